package io.vilspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and resolving HOCON with every Typesafe failure turned into our {@link ConfigException}. */
final class HoconFiles {
    private HoconFiles() {
    }

    static Config parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file.toString(), null, "no such file");
        }
        String text;
        try {
            // decoded leniently, as Typesafe's own reader does
            text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new ConfigException(file.toString(), null, "cannot read: " + e.getMessage());
        }
        HoconNesting.check(text, file.toString());
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw ConfigException.fromTypesafe(e);
        } catch (StackOverflowError e) {
            // an included file nested too deeply: the text check above sees only this file
            throw new ConfigException(file.toString(), null, "objects or lists (or its includes) nested too deeply");
        }
    }

    /** Parses a classpath resource; null when there is no such resource. */
    static Config parseResource(ClassLoader loader, String resource) {
        if (loader.getResource(resource) == null) {
            return null;
        }
        try {
            return ConfigFactory.parseResources(loader, resource, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw ConfigException.fromTypesafe(e);
        }
    }

    /** Substitutions ({@code ${x}}, {@code ${?ENV_VAR}}) resolved; environment variables are visible. */
    static Config resolve(Config config) {
        try {
            return config.resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw ConfigException.fromTypesafe(e);
        } catch (StackOverflowError e) {
            throw new ConfigException(null, null, "substitutions nested or chained too deeply to resolve");
        }
    }
}
