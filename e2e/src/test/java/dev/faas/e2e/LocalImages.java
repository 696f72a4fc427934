package dev.faas.e2e;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.util.Map;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * Containers and networks for tests on a machine with no registry: images must exist locally (never pulled), every container gets
 * a recognisable unique name and a label on the shared daemon, and published ports bind to 127.0.0.1 only.
 */
final class LocalImages {

    static final String TEST_LABEL = "dev.faas.test";

    private LocalImages() {
    }

    /**
     * A container of a locally built image, named {@code <owner>-<role>-<random>}, labelled with its owner.
     * Fails at once, naming the build script, when the image is missing (a pull would hang here).
     */
    static GenericContainer<?> container(String image, String owner, String role) {
        DockerImageName name = DockerImageName.parse(image);
        try {
            DockerClientFactory.instance().client().inspectImageCmd(name.asCanonicalNameString()).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("image " + image + " is not built: run scripts/build-images.sh first");
        }
        String containerName = owner.toLowerCase() + "-" + role + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new GenericContainer<>(name)
                .withImagePullPolicy(ignored -> false)
                .withLabel(TEST_LABEL, owner)
                .withCreateContainerCmdModifier(cmd -> cmd.withName(containerName));
    }

    /** A bridge network named {@code <owner>-<random>}, labelled with its owner; created on first use. */
    static Network network(String owner) {
        String networkName = owner.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        return Network.builder()
                .createNetworkCmdModifier(cmd -> cmd.withName(networkName).withLabels(Map.of(TEST_LABEL, owner)))
                .build();
    }

    /** Publishes {@code port} of the container on 127.0.0.1 only (a random host port), instead of every interface. */
    static void publishOnLoopback(GenericContainer<?> container, int port) {
        container.addExposedPort(port);
        container.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(port))));
    }
}
