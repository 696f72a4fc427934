package dev.faas.gateway.provider.statics;

import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.LogSource;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import dev.faas.gateway.provider.SecretStore;
import java.util.List;

/** Management for the static provider: its functions come from a fixed list, so every call answers 501. */
public final class NoManagement implements FunctionManager, SecretStore, LogSource {

    private static ManagementException unsupported() {
        return new ManagementException(Reason.UNSUPPORTED, "provider=static has a fixed list of functions and "
                + "cannot manage them; run the gateway with provider=swarm");
    }

    @Override
    public List<FunctionStatus> list() throws ManagementException {
        throw unsupported();
    }

    @Override
    public FunctionStatus get(String name) throws ManagementException {
        throw unsupported();
    }

    @Override
    public void deploy(FunctionDeployment deployment) throws ManagementException {
        throw unsupported();
    }

    @Override
    public void update(FunctionDeployment deployment) throws ManagementException {
        throw unsupported();
    }

    @Override
    public void delete(String name) throws ManagementException {
        throw unsupported();
    }

    @Override
    public void scale(String name, int replicas) throws ManagementException {
        throw unsupported();
    }

    @Override
    public List<String> names() throws ManagementException {
        throw unsupported();
    }

    @Override
    public void create(String name, byte[] value) throws ManagementException {
        throw unsupported();
    }

    @Override
    public void remove(String name) throws ManagementException {
        throw unsupported();
    }

    @Override
    public Stream open(Query query) throws ManagementException {
        throw unsupported();
    }
}
