package io.vilspark.evaluate;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * {@code confusion.png}: the confusion matrix as a heat map (JFreeChart). Rows are true classes (the
 * first at the top), columns predicted classes; a cell's colour is the share of its row's images,
 * so rare and frequent classes read alike; small matrices also print the counts in the cells.
 * Class names label the axes when there are few enough to read.
 */
public final class ConfusionHeatmap {
    /** Up to this many classes, the axes carry class names. */
    static final int MAX_NAMED = 60;
    /** Up to this many classes, cells print their counts. */
    static final int MAX_COUNTS = 20;
    private static final Color EMPTY = Color.WHITE;
    private static final Color FULL = new Color(8, 48, 107);

    /** The picture and where the matrix lies in it (for tests that look at single cells). */
    public record Rendered(BufferedImage image, Rectangle2D matrixArea) {
    }

    private ConfusionHeatmap() {
    }

    public static Rendered render(EvalTally tally, List<String> classNames) {
        int k = tally.classes();
        // cells of 12-60 px; a large matrix is capped at about 2000 px and its cells shrink
        int cell = Math.max(1, Math.min(60, Math.max(12, 900 / k)));
        int side = Math.min(2000, Math.max(360, cell * k));
        int labelRoom = k <= MAX_NAMED ? 12 + 7 * longest(classNames) : 60;
        int width = side + labelRoom + 160;
        int height = side + labelRoom + 110;

        JFreeChart chart = new JFreeChart("Confusion matrix (row share of each true class)",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot(tally, classNames), false);
        chart.setBackgroundPaint(Color.WHITE);
        NumberAxis shareAxis = new NumberAxis("share");
        shareAxis.setRange(0, 1);
        shareAxis.setTickUnit(new NumberTickUnit(0.1));
        PaintScaleLegend legend = new PaintScaleLegend(new ShareScale(), shareAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        legend.setStripWidth(14);
        chart.addSubtitle(legend);

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        ChartRenderingInfo info = new ChartRenderingInfo();
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height), info);
        g.dispose();
        return new Rendered(image, info.getPlotInfo().getDataArea());
    }

    private static XYPlot plot(EvalTally tally, List<String> names) {
        int k = tally.classes();
        double[] xs = new double[k * k];
        double[] ys = new double[k * k];
        double[] zs = new double[k * k];
        for (int actual = 0; actual < k; actual++) {
            long support = tally.support(actual);
            for (int predicted = 0; predicted < k; predicted++) {
                int i = actual * k + predicted;
                xs[i] = predicted;
                ys[i] = actual;
                zs[i] = support == 0 ? 0 : (double) tally.count(actual, predicted) / support;
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("confusion", new double[][] {xs, ys, zs});
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new ShareScale());
        XYPlot plot = new XYPlot(data, axis("predicted class", names, k), axis("true class", names, k), renderer);
        plot.getRangeAxis().setInverted(true); // first class at the top, as the CSV reads
        plot.setBackgroundPaint(EMPTY);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        if (k <= MAX_COUNTS) {
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
            for (int actual = 0; actual < k; actual++) {
                for (int predicted = 0; predicted < k; predicted++) {
                    long n = tally.count(actual, predicted);
                    if (n == 0) {
                        continue;
                    }
                    XYTextAnnotation text = new XYTextAnnotation(Long.toString(n), predicted, actual);
                    text.setFont(font);
                    double share = zs[actual * k + predicted];
                    text.setPaint(share > 0.5 ? Color.WHITE : Color.BLACK);
                    plot.addAnnotation(text);
                }
            }
        }
        return plot;
    }

    private static ValueAxis axis(String label, List<String> names, int k) {
        ValueAxis axis;
        if (k <= MAX_NAMED) {
            axis = new SymbolAxis(label, names.toArray(String[]::new));
            axis.setVerticalTickLabels(label.startsWith("predicted"));
        } else {
            NumberAxis numbers = new NumberAxis(label + " (index)");
            numbers.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
            axis = numbers;
        }
        axis.setRange(-0.5, k - 0.5);
        axis.setLowerMargin(0);
        axis.setUpperMargin(0);
        return axis;
    }

    private static int longest(List<String> names) {
        return names.stream().mapToInt(String::length).max().orElse(1);
    }

    /** 0 (white) to 1 (dark blue), linear in each colour channel. */
    static final class ShareScale implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
            return new Color(mix(EMPTY.getRed(), FULL.getRed(), t), mix(EMPTY.getGreen(), FULL.getGreen(), t),
                    mix(EMPTY.getBlue(), FULL.getBlue(), t));
        }

        private static int mix(int a, int b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }
    }
}
