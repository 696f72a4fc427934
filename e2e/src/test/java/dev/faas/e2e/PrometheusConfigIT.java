package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The shipped prometheus/ files checked by the tools of the very images the stack runs: promtool in faas/prometheus,
 * amtool in faas/alertmanager. Each container only idles while the checks run in it.
 */
class PrometheusConfigIT {

    private static final String DIR = "/tmp/faas-config/";
    private static GenericContainer<?> prometheus;
    private static GenericContainer<?> alertmanager;

    @BeforeAll
    static void startToolContainers() {
        prometheus = idle(LocalImages.container("faas/prometheus", "PrometheusConfigIT", "promtool"),
                "prometheus/prometheus.yml", "prometheus/alert.rules.yml", "prometheus/alert.rules.test.yml");
        alertmanager = idle(LocalImages.container("faas/alertmanager", "PrometheusConfigIT", "amtool"),
                "prometheus/alertmanager.yml");
        prometheus.start();
        alertmanager.start();
    }

    @AfterAll
    static void stopToolContainers() {
        for (GenericContainer<?> c : new GenericContainer<?>[] {prometheus, alertmanager}) {
            if (c != null) {
                c.stop();
            }
        }
    }

    @Test
    void prometheusConfigAndItsRuleFilesPassPromtoolCheckConfig() {
        String out = succeeds(prometheus, "promtool", "check", "config", DIR + "prometheus.yml");
        assertTrue(out.contains("SUCCESS: 1 rule files found"), "prometheus.yml must load alert.rules.yml:\n" + out);
    }

    @Test
    void alertRulesPassPromtoolCheckRules() {
        String out = succeeds(prometheus, "promtool", "check", "rules", DIR + "alert.rules.yml");
        assertTrue(out.contains("SUCCESS: 2 rules found"), out);
    }

    /** prometheus/alert.rules.test.yml: a busy function fires, an idle one does not, the alert resolves, gateway down. */
    @Test
    void highInvocationRateFiresForTheBusyFunctionOnlyAndGatewayDownFires() {
        String out = succeeds(prometheus, "promtool", "test", "rules", DIR + "alert.rules.test.yml");
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void alertmanagerConfigPassesAmtoolCheckConfig() {
        String out = succeeds(alertmanager, "amtool", "check-config", DIR + "alertmanager.yml");
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void onlyTheHighInvocationRateAlertIsSentToTheGatewayForScaling() {
        assertEquals("scale-up", route("alertname=APIHighInvocationRate", "function_name=catservice"));
        assertEquals("none", route("alertname=GatewayDown", "job=gateway"));
    }

    /** The receiver AlertManager's routing tree picks for an alert with these labels. */
    private static String route(String... labels) {
        List<String> command = new ArrayList<>(List.of(
                "amtool", "config", "routes", "test", "--config.file=" + DIR + "alertmanager.yml"));
        command.addAll(List.of(labels));
        return exec(alertmanager, command.toArray(String[]::new)).getStdout().trim();   // stderr holds a warning
    }

    private static GenericContainer<?> idle(GenericContainer<?> container, String... files) {
        for (String file : files) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            container.withCopyFileToContainer(MountableFile.forHostPath(ProjectFiles.file(file), 0644), DIR + name);
        }
        return container.withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sleep"))
                .withCommand("120");
    }

    /** Runs a check and returns what it printed (stdout and stderr); fails the test when it exits non-zero. */
    private static String succeeds(GenericContainer<?> container, String... command) {
        ExecResult result = exec(container, command);
        return result.getStdout() + result.getStderr();
    }

    private static ExecResult exec(GenericContainer<?> container, String... command) {
        ExecResult result;
        try {
            result = container.execInContainer(command);
        } catch (Exception e) {
            throw new AssertionError("could not run " + String.join(" ", command) + ": " + e, e);
        }
        assertEquals(0, result.getExitCode(),
                String.join(" ", command) + " failed:\n" + result.getStdout() + result.getStderr());
        return result;
    }
}
