package dev.faas.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * The settings of the builder ({@code POST /system/builds}, {@code PUT /api/functions/{id}}), read with the gateway's
 * others ({@link GatewayConfig}).
 *
 * @param maxArchive    largest upload, compressed ({@code build_max_archive}, 50m: the Blueprint spec's limit)
 * @param maxUnpacked   largest total of its files once unpacked ({@code build_max_unpacked}, 250m)
 * @param maxFiles      most files in one upload ({@code build_max_files}, 10000)
 * @param timeout       longest a build may run before it is stopped ({@code build_timeout}, 10m)
 * @param memory        memory limit of a build's steps ({@code build_memory}, 1g)
 * @param concurrency   builds running at once on this gateway; more wait their turn ({@code build_concurrency}, 2)
 * @param registry      where built images are pushed so every node can pull them, {@code host:port}; empty keeps
 *                      them on the manager's engine, which is enough on one node ({@code build_registry}, empty; the
 *                      stack sets its own registry, 127.0.0.1:REGISTRY_PORT)
 * @param templates     the templates' directory ({@code build_templates}, /opt/faas/templates in the image)
 * @param workDir       where uploads are unpacked while they build ({@code build_work_dir}, the JVM's temp dir)
 * @param readyTimeout  how long a build waits for a replica of what it deployed to be ready
 *                      ({@code build_ready_timeout}, 60s)
 * @param blueprintKeys files (Docker secrets) holding the Bearer keys the Blueprint routes accept besides basic
 *                      auth ({@code blueprint_api_keys}, comma-separated secret names under secret_mount_path; empty)
 */
public record BuildConfig(
        long maxArchive,
        long maxUnpacked,
        int maxFiles,
        Duration timeout,
        long memory,
        int concurrency,
        String registry,
        String templates,
        String workDir,
        Duration readyTimeout,
        List<String> blueprintKeys) {

    public BuildConfig {
        blueprintKeys = List.copyOf(blueprintKeys);
    }
}
