package io.vilspark.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageIO;

import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** {@code curves.png}: loss (train, validation) and validation accuracy (top-1, top-5) per epoch, with JFreeChart. */
public final class TrainingCurves {
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 450;

    private TrainingCurves() {
    }

    public static void write(String file, List<EpochMetrics> epochs, Configuration hadoop) throws IOException {
        BufferedImage image = render(epochs);
        AtomicHadoopWrite.write(file, hadoop, out -> ImageIO.write(image, "png", out));
    }

    static BufferedImage render(List<EpochMetrics> epochs) {
        XYSeries train = new XYSeries("train loss");
        XYSeries val = new XYSeries("validation loss");
        XYSeries top1 = new XYSeries("validation top-1");
        XYSeries top5 = new XYSeries("validation top-5");
        for (EpochMetrics m : epochs) {
            train.add(m.epoch(), m.trainLoss());
            val.add(m.epoch(), m.valLoss());
            top1.add(m.epoch(), m.valTop1());
            top5.add(m.epoch(), m.valTop5());
        }
        JFreeChart loss = chart("Loss", "cross-entropy", train, val);
        JFreeChart accuracy = chart("Validation accuracy", "accuracy", top1, top5);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        loss.draw(g, new java.awt.Rectangle(0, 0, WIDTH / 2, HEIGHT));
        accuracy.draw(g, new java.awt.Rectangle(WIDTH / 2, 0, WIDTH / 2, HEIGHT));
        g.dispose();
        return image;
    }

    private static JFreeChart chart(String title, String yLabel, XYSeries... series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) {
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series.length; i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        return chart;
    }
}
