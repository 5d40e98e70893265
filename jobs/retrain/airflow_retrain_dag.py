"""Airflow DAG: vil retrain once a day with SparkSubmitOperator (apache-airflow-providers-apache-spark).

The run id is Airflow's logical date ({{ ds }}), so retries and backfills of a day reuse it: a finished run
does nothing, a crashed one resumes (its training from its last checkpoint), and the champion pointer only
moves at the very end. The registry's lock keeps two runs (e.g. an overlapping manual trigger) apart; the
second fails with a one-line message and changes nothing. Exit 0 also when there is no new partition.

Put the job jar (mvn -Pjob-jar -DskipTests package) where the Spark connection can read it.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

VIL_JAR = "/opt/vil-spark/target/vil-spark-0.1.0-SNAPSHOT-job.jar"

with DAG(
    dag_id="vil_retrain_fashion_mnist",
    start_date=datetime(2026, 11, 1),
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
) as dag:
    retrain = SparkSubmitOperator(
        task_id="retrain",
        conn_id="spark_default",
        application=VIL_JAR,
        java_class="io.vilspark.cli.VilCli",
        name="vil-retrain-{{ ds }}",
        conf={
            "spark.executorEnv.OMP_NUM_THREADS": "4",
            # -Xmn: G1's young generation, a quarter of the executor heap up to 512m (jobs/native-env says why)
            "spark.executor.extraJavaOptions": "-Dorg.bytedeco.javacpp.cachedir=/tmp/vil-javacpp --add-modules=jdk.incubator.vector -Xmn512m",
        },
        executor_cores=4,
        executor_memory="8g",
        application_args=[
            "retrain",
            "--registry", "hdfs:///models/fm-registry",
            "--data", "hdfs:///landing/fm",
            "--holdout", "hdfs:///datasets/fm-holdout",
            "--run-id", "airflow-{{ ds }}",
            "--epochs", "2",
            "--margin", "0.005",
            "--lock-ttl-minutes", "360",
        ],
    )
