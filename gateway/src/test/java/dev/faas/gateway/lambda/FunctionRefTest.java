package dev.faas.gateway.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FunctionRefTest {
    private static final FunctionRef.Place HERE = new FunctionRef.Place("us-east-1", "000000000000");

    private static FunctionRef parse(String raw, String qualifier) throws LambdaError {
        return FunctionRef.parse(raw, qualifier, HERE);
    }

    @Test
    void everyFormLambdaTakesNamesTheSameFunction() throws Exception {
        for (String raw : new String[] {"my-fn", "000000000000:function:my-fn",
                "arn:aws:lambda:us-east-1:000000000000:function:my-fn"}) {
            FunctionRef ref = parse(raw, null);
            assertEquals("my-fn", ref.name(), raw);
            assertEquals("", ref.qualifier(), raw);
            assertTrue(ref.isLatest(), raw);
        }
        for (String raw : new String[] {"my-fn:$LATEST", "000000000000:function:my-fn:$LATEST",
                "arn:aws:lambda:us-east-1:000000000000:function:my-fn:$LATEST"}) {
            assertEquals(new FunctionRef("my-fn", "$LATEST"), parse(raw, null), raw);
        }
        assertEquals(new FunctionRef("my-fn", "$LATEST"), parse("my-fn", "$LATEST"));
        assertEquals("fn.openfaas-fn", parse("fn.openfaas-fn", null).name(), "the gateway's names, dots and all");
    }

    @Test
    void anyOtherQualifierIsAVersionOrAliasThatIsNotHere() throws Exception {
        FunctionRef alias = parse("my-fn:prod", null);
        assertFalse(alias.isLatest());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:my-fn:prod", alias.arn(HERE));
        assertFalse(parse("my-fn", "7").isLatest());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:my-fn", parse("my-fn", "").arn(HERE));
    }

    @Test
    void aQualifierInTheNameAndTheQueryMustAgree() throws Exception {
        assertEquals("prod", parse("my-fn:prod", "prod").qualifier());
        LambdaError e = assertThrows(LambdaError.class, () -> parse("my-fn:prod", "$LATEST"));
        assertEquals("InvalidParameterValueException", e.type);
        assertEquals(400, e.status);
    }

    @Test
    void anotherAccountOrRegionIsAFunctionThatIsNotHere() {
        for (String raw : new String[] {"arn:aws:lambda:eu-west-1:000000000000:function:my-fn",
                "arn:aws:lambda:us-east-1:123456789012:function:my-fn", "123456789012:function:my-fn"}) {
            LambdaError e = assertThrows(LambdaError.class, () -> parse(raw, null), raw);
            assertEquals(404, e.status, raw);
            assertEquals("ResourceNotFoundException", e.type, raw);
            assertTrue(e.getMessage().startsWith("Function not found: " + raw), e.getMessage());
        }
    }

    @Test
    void malformedNamesAre400ValidationErrors() {
        for (String raw : new String[] {"", "my fn", "a:b:c", "my-fn:", "my-fn:a:b", "..", "x".repeat(64),
                "arn:aws:s3:us-east-1:000000000000:function:my-fn", "arn:aws:lambda:us-east-1:000000000000:layer:x",
                "arn:aws:lambda:us-east-1:0:function:my-fn", "000000000000:fn:my-fn", "my-fn:bad.qualifier",
                "arn:aws:lambda:us-east-1:000000000000:function:my-fn:1:2"}) {
            LambdaError e = assertThrows(LambdaError.class, () -> parse(raw, null), raw);
            assertEquals(400, e.status, raw + ": " + e.getMessage());
            assertEquals("ValidationException", e.type, raw);
        }
        assertEquals(400, assertThrows(LambdaError.class, () -> parse("my-fn", "a b")).status);
    }
}
