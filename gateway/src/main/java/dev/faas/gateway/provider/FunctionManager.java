package dev.faas.gateway.provider;

import java.util.List;

/**
 * Management of functions (the /system API), beside discovery ({@link FunctionProvider}). Each call goes to the
 * orchestrator and waits for its answer; none is on the request path. Names are function names (a stack-deployed
 * function's full service name works too).
 */
public interface FunctionManager {

    List<FunctionStatus> list() throws ManagementException;

    /** The function, or NOT_FOUND. */
    FunctionStatus get(String name) throws ManagementException;

    /** Creates the function; CONFLICT if the name is taken, INVALID if its image or a secret is missing. */
    void deploy(FunctionDeployment deployment) throws ManagementException;

    /** Replaces the function's definition (keeping its replica count) and rolls its replicas one at a time. */
    void update(FunctionDeployment deployment) throws ManagementException;

    void delete(String name) throws ManagementException;

    /** Sets the desired replicas as given (bounds are the caller's business: {@link dev.faas.gateway.scaling}). */
    void scale(String name, int replicas) throws ManagementException;
}
