package dev.faas.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigV4Test {
    /** The example key of AWS's Signature Version 4 test suite and documentation. */
    private static final String SUITE_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    /** The key the botocore vectors below were signed with. */
    private static final String BOTO_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final byte[] NO_BODY = new byte[0];

    private static SigV4 verifier(String keyId, String secret, String service, String region, String at) {
        return new SigV4(AccessKeys.parse("test", keyId + ":" + secret), service, region,
                Clock.fixed(Instant.parse(at), ZoneOffset.UTC));
    }

    private static SigV4Request request(String method, String path, String query, String... headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.computeIfAbsent(headers[i], k -> new java.util.ArrayList<>()).add(headers[i + 1]);
        }
        return new SigV4Request(method, path, query, h);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- AWS's published vectors (the SigV4 test suite, service "service", and the IAM example of the docs) ----

    @Test
    void awsTestSuiteGetVanilla() throws Exception {
        SigV4 v = verifier("AKIDEXAMPLE", SUITE_KEY, "service", "us-east-1", "2015-08-30T12:36:00Z");
        SigV4Request r = request("GET", "/", "", "Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z");
        assertEquals("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                CanonicalRequest.of(r, List.of("host", "x-amz-date"), SigV4Signature.hex(SigV4Signature.sha256(NO_BODY))));
        v.check(r, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
                .verify(NO_BODY);
    }

    @Test
    void awsTestSuitePostVanillaAndQueryOrder() throws Exception {
        SigV4 v = verifier("AKIDEXAMPLE", SUITE_KEY, "service", "us-east-1", "2015-08-30T12:36:00Z");
        v.check(request("POST", "/", "", "Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z"),
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;"
                + "x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b").verify(NO_BODY);
        // get-vanilla-query-order-key-case: the query is sorted before signing
        v.check(request("GET", "/", "Param2=value2&Param1=value1", "Host", "example.amazonaws.com", "X-Amz-Date",
                "20150830T123600Z"), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                + " SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
                .verify(NO_BODY);
    }

    @Test
    void awsDocumentationIamListUsersExample() throws Exception {
        assertEquals("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
                SigV4Signature.hex(SigV4Signature.signingKey(utf8(SUITE_KEY), "20150830", "us-east-1", "iam")));
        SigV4Request r = request("GET", "/", "Action=ListUsers&Version=2010-05-08", "Host", "iam.amazonaws.com",
                "Content-Type", "application/x-www-form-urlencoded; charset=utf-8", "X-Amz-Date", "20150830T123600Z");
        assertEquals("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", SigV4Signature.hex(SigV4Signature.sha256(utf8(
                CanonicalRequest.of(r, List.of("content-type", "host", "x-amz-date"),
                        SigV4Signature.hex(SigV4Signature.sha256(NO_BODY)))))));
        verifier("AKIDEXAMPLE", SUITE_KEY, "iam", "us-east-1", "2015-08-30T12:40:00Z").check(r, "AWS4-HMAC-SHA256 "
                + "Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date,"
                + " Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7").verify(NO_BODY);
    }

    // ---- Lambda calls as Debian's boto3 1.26 (botocore 1.29) signs them ----
    //
    // Produced with /usr/bin/python3: a boto3 "lambda" client (endpoint http://127.0.0.1:8080, region us-east-1, key
    // AKIAIOSFODNN7EXAMPLE / BOTO_KEY) with datetime.utcnow fixed at 2024-05-06 07:08:09 in botocore.auth and
    // botocore.crt.auth, a 'before-send' hook recording the request and stopping it. With Debian's python3-awscrt
    // installed botocore signs with CRT's signer, as awscli does; the last vector is botocore's own SigV4Auth.add_auth
    // on an AWSRequest.

    private static final String AT = "2024-05-06T07:10:00Z";

    @Test
    void boto3InvokeOfAnArnWithQualifierLogTailAndClientContext() throws Exception {
        // client.invoke(FunctionName='arn:aws:lambda:us-east-1:000000000000:function:echo', Payload=b'{"hi":1}',
        //               LogType='Tail', ClientContext=base64('{"custom":{"a":1}}'), Qualifier='$LATEST')
        SigV4Request r = request("POST",
                "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aecho/invocations",
                "Qualifier=%24LATEST", "X-Amz-Log-Type", "Tail", "X-Amz-Client-Context", "eyJjdXN0b20iOnsiYSI6MX19",
                "User-Agent", "Boto3/1.26.27 Python/3.11.2", "Host", "127.0.0.1:8080", "X-Amz-Date", "20240506T070809Z",
                "Content-Length", "8");
        verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda", "us-east-1", AT).check(r, "AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/lambda/aws4_request, SignedHeaders=host;"
                + "x-amz-client-context;x-amz-date;x-amz-log-type, "
                + "Signature=fd92764fa5a37ce527e6e0c3f130da881972025f8862aba96ba7644195711a85").verify(utf8("{\"hi\":1}"));
    }

    @Test
    void boto3EventInvokeWithoutPayloadAndListFunctionsWithAQuery() throws Exception {
        SigV4 v = verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda", "us-east-1", AT);
        // client.invoke(FunctionName='echo', InvocationType='Event')
        v.check(request("POST", "/2015-03-31/functions/echo/invocations", "", "X-Amz-Invocation-Type", "Event",
                "Host", "127.0.0.1:8080", "X-Amz-Date", "20240506T070809Z", "Content-Length", "0"), "AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/lambda/aws4_request, SignedHeaders=host;"
                + "x-amz-date;x-amz-invocation-type, "
                + "Signature=db62bbbedfc16f0543a0656d352f5f54350206a1d81ff59d44077e9b83deb2ca").verify(NO_BODY);
        // client.list_functions(MaxItems=2, Marker='a b')
        v.check(request("GET", "/2015-03-31/functions/", "MaxItems=2&Marker=a%20b", "Host", "127.0.0.1:8080",
                "X-Amz-Date", "20240506T070809Z"), "AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=3071fa56f210021348dd30026b3656e42b26a007edae7a00b91235c7f88ffd4c").verify(NO_BODY);
    }

    @Test
    void botocoreSigV4AuthDoubleEncodesThePathAndTrimsHeaderValues() throws Exception {
        // SigV4Auth(creds, 'lambda', 'us-east-1').add_auth(AWSRequest('POST',
        //   'http://127.0.0.1:8080/2015-03-31/functions/000000000000%3Afunction%3Aecho%3A%24LATEST/invocations',
        //   headers={'X-Amz-Invocation-Type': 'RequestResponse', 'Content-Type': 'application/json',
        //            'X-Custom': '  a   b  '}, data=b'{"k": [1, 2]}'))
        String path = "/2015-03-31/functions/000000000000%3Afunction%3Aecho%3A%24LATEST/invocations";
        assertEquals("/2015-03-31/functions/000000000000%253Afunction%253Aecho%253A%2524LATEST/invocations",
                CanonicalRequest.uri(path));
        SigV4Request r = request("POST", path, "", "X-Amz-Invocation-Type", "RequestResponse", "Content-Type",
                "application/json", "X-Custom", "  a   b  ", "X-Amz-Date", "20240506T070809Z", "Host", "127.0.0.1:8080");
        verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda", "us-east-1", AT).check(r, "AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/lambda/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type;x-custom, "
                + "Signature=955eb44c9237a81ed5db72a0c7dbfa9c195045d1729add1f037b86bcc2f7d1df").verify(utf8("{\"k\": [1, 2]}"));
    }

    // ---- refusals ----

    private static final String EVENT_AUTH = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/"
            + "lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type, "
            + "Signature=db62bbbedfc16f0543a0656d352f5f54350206a1d81ff59d44077e9b83deb2ca";

    private static SigV4Request event(String... extra) {
        String[] h = {"X-Amz-Invocation-Type", "Event", "Host", "127.0.0.1:8080", "X-Amz-Date", "20240506T070809Z"};
        String[] all = new String[h.length + extra.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(extra, 0, all, h.length, extra.length);
        return request("POST", "/2015-03-31/functions/echo/invocations", "", all);
    }

    private static SigV4.Refusal refused(SigV4.Problem problem, org.junit.jupiter.api.function.Executable e) {
        SigV4.Refusal r = assertThrows(SigV4.Refusal.class, e);
        assertEquals(problem, r.problem(), r.getMessage());
        return r;
    }

    @Test
    void aChangedBodyPathHeaderOrSecretDoesNotMatch() throws Exception {
        SigV4 v = verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda", "us-east-1", AT);
        assertDoesNotThrow(() -> v.check(event(), EVENT_AUTH).verify(NO_BODY));
        SigV4.Refusal body = refused(SigV4.Problem.INVALID, () -> v.check(event(), EVENT_AUTH).verify(utf8("{}")));
        assertTrue(body.getMessage().startsWith("The request signature we calculated does not match"), body.getMessage());
        refused(SigV4.Problem.INVALID, () -> v.check(request("POST", "/2015-03-31/functions/other/invocations", "",
                "X-Amz-Invocation-Type", "Event", "Host", "127.0.0.1:8080", "X-Amz-Date", "20240506T070809Z"),
                EVENT_AUTH).verify(NO_BODY));
        refused(SigV4.Problem.INVALID, () -> v.check(request("POST", "/2015-03-31/functions/echo/invocations", "",
                "X-Amz-Invocation-Type", "RequestResponse", "Host", "127.0.0.1:8080", "X-Amz-Date", "20240506T070809Z"),
                EVENT_AUTH).verify(NO_BODY));
        SigV4 wrongSecret = verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY + "x", "lambda", "us-east-1", AT);
        refused(SigV4.Problem.INVALID, () -> wrongSecret.check(event(), EVENT_AUTH).verify(NO_BODY));
        // An unsigned header may change: it is not part of the signature.
        assertDoesNotThrow(() -> v.check(event("User-Agent", "anything"), EVENT_AUTH).verify(NO_BODY));
    }

    @Test
    void anUnknownKeyIsUnrecognizedBeforeTheBodyIsRead() {
        SigV4 v = verifier("AKIAOTHER", BOTO_KEY, "lambda", "us-east-1", AT);
        SigV4.Refusal r = refused(SigV4.Problem.UNKNOWN_KEY, () -> v.check(event(), EVENT_AUTH));
        assertEquals("The security token included in the request is invalid.", r.getMessage());
    }

    @Test
    void aDateMoreThanFifteenMinutesOffIsExpiredOrNotYetCurrent() throws Exception {
        assertDoesNotThrow(() -> verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda", "us-east-1",
                "2024-05-06T07:23:09Z").check(event(), EVENT_AUTH).verify(NO_BODY));
        SigV4.Refusal late = refused(SigV4.Problem.INVALID, () -> verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda",
                "us-east-1", "2024-05-06T07:23:10Z").check(event(), EVENT_AUTH));
        assertEquals("Signature expired: 20240506T070809Z is now earlier than 20240506T070810Z (20240506T072310Z - 15"
                + " min.)", late.getMessage());
        SigV4.Refusal early = refused(SigV4.Problem.INVALID, () -> verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda",
                "us-east-1", "2024-05-06T06:53:08Z").check(event(), EVENT_AUTH));
        assertTrue(early.getMessage().startsWith("Signature not yet current: 20240506T070809Z is still later than"),
                early.getMessage());
    }

    @Test
    void theScopeMustBeThisServiceRegionAndDay() {
        SigV4.Refusal region = refused(SigV4.Problem.INVALID, () -> verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY,
                "lambda", "eu-west-1", AT).check(event(), EVENT_AUTH));
        assertEquals("Credential should be scoped to a valid region, not 'us-east-1'. This endpoint's region is"
                + " 'eu-west-1'.", region.getMessage());
        refused(SigV4.Problem.INVALID, () -> verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "s3", "us-east-1", AT)
                .check(event(), EVENT_AUTH));
        SigV4 v = verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda", "us-east-1", AT);
        refused(SigV4.Problem.INVALID, () -> v.check(event(), EVENT_AUTH.replace("/20240506/", "/20240505/")));
    }

    @Test
    void malformedHeadersAndMissingDatesAreIncomplete() {
        SigV4 v = verifier("AKIAIOSFODNN7EXAMPLE", BOTO_KEY, "lambda", "us-east-1", AT);
        SigV4.Refusal bare = refused(SigV4.Problem.INCOMPLETE, () -> v.check(event(), "AWS4-HMAC-SHA256"));
        assertTrue(bare.getMessage().contains("requires 'Credential' parameter"), bare.getMessage());
        refused(SigV4.Problem.INCOMPLETE, () -> v.check(event(), EVENT_AUTH.replace("/aws4_request", "/aws4")));
        refused(SigV4.Problem.INCOMPLETE, () -> v.check(event(), EVENT_AUTH.replace("Signature=db62", "Signature=zz62")));
        refused(SigV4.Problem.INCOMPLETE, () -> v.check(event(), EVENT_AUTH.replace("SignedHeaders=host;",
                "SignedHeaders=")));
        SigV4.Refusal noDate = refused(SigV4.Problem.INCOMPLETE, () -> v.check(request("POST",
                "/2015-03-31/functions/echo/invocations", "", "Host", "127.0.0.1:8080"), EVENT_AUTH));
        assertTrue(noDate.getMessage().contains("'X-Amz-Date' or a 'Date' header"), noDate.getMessage());
        refused(SigV4.Problem.INCOMPLETE, () -> v.check(request("POST", "/", "", "Host", "h",
                "X-Amz-Date", "yesterday"), EVENT_AUTH));
    }

    /** A request with X-Amz-Content-Sha256: {@code claimed}, signed over it as a client signs. */
    private static String signedWithContentSha256(SigV4Request r, String claimed) {
        String signature = SigV4Signature.of(utf8(SUITE_KEY), "20150830", "us-east-1", "lambda",
                SigV4Signature.stringToSign("20150830T123600Z", "20150830/us-east-1/lambda/aws4_request",
                        CanonicalRequest.of(r, List.of("host", "x-amz-content-sha256", "x-amz-date"), claimed)));
        return "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + signature;
    }

    private static SigV4Request withContentSha256(String claimed) {
        return request("POST", "/", "", "Host", "h", "X-Amz-Date", "20150830T123600Z", "X-Amz-Content-Sha256",
                claimed);
    }

    @Test
    void anXAmzContentSha256MustBeTheBodysOwnHash() throws Exception {
        String hash = SigV4Signature.hex(SigV4Signature.sha256(utf8("{}")));
        SigV4 v = verifier("AKID", SUITE_KEY, "lambda", "us-east-1", "2015-08-30T12:36:00Z");
        SigV4Request r = withContentSha256(hash);
        String auth = signedWithContentSha256(r, hash);
        v.check(r, auth).verify(utf8("{}"));
        SigV4.Refusal other = refused(SigV4.Problem.INVALID, () -> v.check(r, auth).verify(utf8("{ }")));
        assertTrue(other.getMessage().contains("x-amz-content-sha256"), other.getMessage());
        refused(SigV4.Problem.INCOMPLETE, () -> v.check(withContentSha256("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
                "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda/aws4_request, SignedHeaders=host, "
                + "Signature=" + "0".repeat(64)));
    }

    /** With it a captured request could carry any other body: refused from the head, however well it is signed. */
    @Test
    void unsignedPayloadIsRefusedBeforeTheBodyIsRead() {
        SigV4 v = verifier("AKID", SUITE_KEY, "lambda", "us-east-1", "2015-08-30T12:36:00Z");
        SigV4Request r = withContentSha256(SigV4.UNSIGNED_PAYLOAD);
        SigV4.Refusal unsigned = refused(SigV4.Problem.INVALID, () -> v.check(r,
                signedWithContentSha256(r, SigV4.UNSIGNED_PAYLOAD)));
        assertTrue(unsigned.getMessage().contains("UNSIGNED-PAYLOAD is not accepted: the payload must be signed"),
                unsigned.getMessage());
    }

    @Test
    void theDateHeaderServesWhenThereIsNoXAmzDate() throws Exception {
        assertEquals("20150830T123600Z", request("GET", "/", "", "Date",
                "Sun, 30 Aug 2015 12:36:00 GMT").timestamp());
    }

    @Test
    void canonicalPathsAndQueriesAsBotocoreWritesThem() {
        assertEquals("/", CanonicalRequest.uri(""));
        assertEquals("/", CanonicalRequest.uri("/"));
        assertEquals("/a/c/", CanonicalRequest.uri("//a/./b/../c/"));
        assertEquals("/a%2520b/~x", CanonicalRequest.uri("/a%20b/~x"));
        assertEquals("A=%20&B=&b=10&b=2", CanonicalRequest.query("b=2&B&A=%20&b=10"), "sorted as text");
        assertEquals("a=%2B%2A~", CanonicalRequest.query("a=+*~"));
        assertEquals("Marker=a%20b&MaxItems=2", CanonicalRequest.query("MaxItems=2&Marker=a%20b"));
    }
}
