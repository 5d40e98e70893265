package io.vilspark.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * HOCON-aware mutations: hostile constructs inserted at a line boundary of a real configuration
 * file (includes of other files and URLs, cycles, undefined and self-referencing substitutions,
 * deep nesting, odd values for real keys), on top of the byte mutations.
 */
public final class HoconMutation {

    private static final String[] CONSTRUCTS = {
        "include \"no-such-file.conf\"\n",
        "include required(\"no-such-file.conf\")\n",
        "include required(file(\"/etc/passwd\"))\n",
        "include url(\"http://127.0.0.1:9/config.conf\")\n",
        "include required(classpath(\"no-such-resource.conf\"))\n",
        "a = ${a}\n",
        "a = ${b}\nb = ${a}\n",
        "x = ${undefined.key}\n",
        "x = ${?UNDEFINED_ENV_VAR_FOR_FUZZ}\n",
        "model { dim = ${model.dim} }\n",
        "model.dim = \"sixty-four\"\n",
        "model.depth = -1\n",
        "model.depth = 99999999999999999999\n",
        "model.input_shape = [1, 28]\n",
        "model.input_shape = [0, 0, 0]\n",
        "model.patch_size = 0\n",
        "train.epochs = 1e308\n",
        "train.global_batch = 0\n",
        "prepare.resolution = -224\n",
        "prepare.patch = 3\n",
        "prepare.max_pixels = 1e30\n",
        "model = null\n",
        "train = [1, 2, 3]\n",
        "prepare = \"text\"\n",
        "\"model\" { \"dim\" = { nested = true } }\n",
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p = 1\n",
        "\u0000\n",
        "key = \"\\uD800\"\n",
        "x = \"\"\"unterminated\n",
    };

    private HoconMutation() {
    }

    public static byte[] mutate(byte[] config, Random random) {
        int kind = random.nextInt(10);
        if (kind < 4) {
            return Mutator.mutate(config, config, random);
        }
        String text = new String(config, StandardCharsets.UTF_8);
        String insert = kind == 9 ? nesting(random) : CONSTRUCTS[random.nextInt(CONSTRUCTS.length)];
        int at = lineStart(text, random);
        return (text.substring(0, at) + insert + text.substring(at)).getBytes(StandardCharsets.UTF_8);
    }

    /** Objects or arrays nested thousands deep: a recursive parser must not die of it. */
    private static String nesting(Random random) {
        int depth = 10 + random.nextInt(20_000);
        boolean arrays = random.nextBoolean();
        String open = arrays ? "[" : "{a:";
        String close = arrays ? "]" : "}";
        return "deep = " + open.repeat(depth) + "1" + close.repeat(depth) + "\n";
    }

    private static int lineStart(String text, Random random) {
        int at = random.nextInt(text.length() + 1);
        int newline = text.lastIndexOf('\n', Math.max(0, at - 1));
        return newline < 0 ? 0 : newline + 1;
    }
}
