package dev.faas.gateway.build;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** The engine that builds images and ships them to the nodes: the only Docker of a build (provider/swarm). */
public interface ImageBuilder {

    /** The engine's id of the local image {@code reference}, or "" when there is none. */
    String imageId(String reference) throws BuildException;

    /**
     * Builds {@code contextTar} into {@code tag}, each line of the build's output to {@code log} as it comes; a
     * build that fails or runs out of time is a 422 (504) with the log's tail, and leaves no image under the tag.
     */
    void build(Path contextTar, String tag, Map<String, String> buildArgs, Consumer<String> log) throws BuildException;

    /** Makes {@code tag} available to every node (the stack's registry); the reference services must run. */
    String distribute(String tag, Consumer<String> log) throws BuildException;

    /**
     * Removes what earlier builds left on this engine: images built for this stack that no tag names any more (an
     * interrupted build's, or a version whose tag a rebuild moved on). Images a container still uses stay.
     *
     * @return how many were removed
     */
    int reapStale() throws BuildException;
}
