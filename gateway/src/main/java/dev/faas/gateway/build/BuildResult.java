package dev.faas.gateway.build;

/**
 * A build that succeeded.
 *
 * @param image        what the function runs (in the stack's registry on several nodes)
 * @param built        false when an image of this content existed already
 * @param action       created, updated, unchanged (same image and settings), or built (deploy=false)
 * @param ready        whether a replica was ready to serve when the build answered
 * @param seconds      from the upload received to the answer
 * @param readySeconds from the deploy to a ready replica (the cold start of a new function), or -1
 * @param unpackedBytes the size of the upload's files
 */
public record BuildResult(String function, String image, boolean built, String action, boolean ready,
                          double seconds, double readySeconds, long unpackedBytes) {}
