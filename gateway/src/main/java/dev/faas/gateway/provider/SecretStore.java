package dev.faas.gateway.provider;

import java.util.List;

/**
 * The secrets functions can mount: only those the platform owns (created through it, or labelled as its own) are
 * listed, used or removed. Values go in and never come out.
 */
public interface SecretStore {

    /** Names of the platform's secrets. */
    List<String> names() throws ManagementException;

    /** CONFLICT if the name is taken. */
    void create(String name, byte[] value) throws ManagementException;

    /** NOT_FOUND if the platform owns no secret by that name; CONFLICT while a function uses it. */
    void remove(String name) throws ManagementException;
}
