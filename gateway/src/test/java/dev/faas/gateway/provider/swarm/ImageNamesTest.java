package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageNamesTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void aReferenceWithoutAHostComesFromDockerHub() {
        assertEquals("docker.io", ImageNames.registry("catservice"));
        assertEquals("docker.io", ImageNames.registry("faas/x"));
        assertEquals("docker.io", ImageNames.registry("faas/x:1"));
        assertEquals("docker.io", ImageNames.registry("docker.io/library/x"));
        assertEquals("docker.io", ImageNames.registry("index.docker.io/faas/x"), "Docker's legacy name for the Hub");
    }

    @Test
    void aFirstComponentWithADotAPortOrLocalhostIsTheRegistry() {
        assertEquals("127.0.0.1:5000", ImageNames.registry("127.0.0.1:5000/faas/x:1"));
        assertEquals("localhost:5000", ImageNames.registry("localhost:5000/x"));
        assertEquals("localhost", ImageNames.registry("localhost/x"));
        assertEquals("ghcr.io", ImageNames.registry("ghcr.io/a/b@" + DIGEST));
        assertEquals("Registry", ImageNames.registry("Registry/x"), "upper case is never a repository name");
    }

    @Test
    void dockerHubsServerAddressIsItsV1Url() {
        assertEquals("https://index.docker.io/v1/", ImageNames.serverAddress("docker.io"));
        assertEquals("127.0.0.1:5000", ImageNames.serverAddress("127.0.0.1:5000"));
    }

    @Test
    void pinningAppendsTheDigestToTheUsersText() {
        assertEquals("127.0.0.1:5000/faas/x:1@" + DIGEST, ImageNames.pinned("127.0.0.1:5000/faas/x:1", DIGEST));
        assertEquals("faas/x@" + DIGEST, ImageNames.pinned("faas/x", DIGEST), "no :latest added: read back as given");
        String own = "ghcr.io/a/b@sha256:" + "f".repeat(64);
        assertEquals(own, ImageNames.pinned(own, DIGEST), "the user's own pin is kept");
    }

    @Test
    void unpinningGivesBackWhatTheUserNamed() {
        for (String image : new String[] {"faas/x", "faas/x:1", "127.0.0.1:5000/faas/x:1", "localhost:5000/x"}) {
            assertEquals(image, ImageNames.unpinned(ImageNames.pinned(image, DIGEST)), image);
        }
        assertEquals("faas/x:1", FunctionStatuses.image("faas/x:1@" + DIGEST));
    }
}
