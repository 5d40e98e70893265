package io.vilspark.cli;

import picocli.CommandLine.IVersionProvider;

/** The version the jar's manifest carries; "dev" when running from compiled classes. */
final class JarVersion implements IVersionProvider {

    static String get() {
        String version = JarVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vil " + get()};
    }
}
