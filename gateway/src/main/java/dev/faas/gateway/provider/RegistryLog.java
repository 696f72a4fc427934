package dev.faas.gateway.provider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line when a function appears, goes away, or its number of ready replicas changes. */
public final class RegistryLog implements FunctionRegistry.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryLog.class);

    @Override
    public void changed(Function before, Function after) {
        if (before == null) {
            LOG.info("event=function_found name={} service={} ready={} desired={}",
                    after.name(), after.serviceName(), after.replicas().size(), after.desiredReplicas());
        } else if (after == null) {
            LOG.info("event=function_removed name={} service={}", before.name(), before.serviceName());
        } else if (before.replicas().size() != after.replicas().size()
                || before.desiredReplicas() != after.desiredReplicas()) {
            LOG.info("event=function_replicas name={} ready={} desired={}",
                    after.name(), after.replicas().size(), after.desiredReplicas());
        }
    }
}
