package dev.faas.gateway.config;

import java.util.List;

/**
 * The settings of the AWS Lambda Invoke API's door ({@code /2015-03-31/functions/...}), read with the gateway's others
 * ({@link GatewayConfig}).
 *
 * @param accessKeys     files (Docker secrets) holding the access keys AWS clients sign calls with (SigV4), one
 *                       {@code <access key id>:<secret access key>} a line ({@code lambda_access_keys},
 *                       comma-separated secret names under secret_mount_path; empty)
 * @param allowUnsigned  calls without any Authorization pass (local use); signed ones are still verified
 *                       ({@code lambda_allow_unsigned}, false)
 * @param region         the region the door is, in ARNs and in the signatures it accepts ({@code lambda_region},
 *                       us-east-1)
 * @param account        the account id in ARNs, 12 digits ({@code lambda_account}, 000000000000)
 */
public record LambdaConfig(List<String> accessKeys, boolean allowUnsigned, String region, String account) {

    public LambdaConfig {
        accessKeys = List.copyOf(accessKeys);
        if (!region.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("lambda_region=" + region
                    + " is not a region name (example: us-east-1)");
        }
        if (!account.matches("[0-9]{12}")) {
            throw new IllegalArgumentException("lambda_account=" + account
                    + " is not 12 digits (example: 000000000000)");
        }
    }

    /** What the gateway warns of at its start with these settings; null when nothing. */
    public String startupWarning() {
        if (allowUnsigned) {
            return "the Invoke API accepts unsigned calls: for local use only";
        }
        if (accessKeys.isEmpty()) {
            return "every Invoke API call will be refused with 403; set lambda_access_keys or use basic auth";
        }
        return null;
    }
}
