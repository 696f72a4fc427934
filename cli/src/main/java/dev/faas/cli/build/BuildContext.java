package dev.faas.cli.build;

/** What a build sends: the packed bytes and how they are packed ({@code application/gzip} or {@code application/zip}). */
public record BuildContext(byte[] bytes, String contentType, int files) {
    public static final String TAR_GZ = "application/gzip";
    public static final String ZIP = "application/zip";
}
