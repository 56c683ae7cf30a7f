package dev.gpumem.measure.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {
    @Test
    void secretLookingValuesAreMasked() {
        assertEquals("****", Diagnostics.mask("HF_TOKEN", "hf_abcdef"));
        assertEquals("****", Diagnostics.mask("AWS_SECRET_ACCESS_KEY", "x"));
        assertEquals("https://****@proxy:8080", Diagnostics.mask("HTTPS_PROXY", "https://user:pw@proxy:8080"));
        assertEquals("/usr/local/cuda/lib64", Diagnostics.mask("LD_LIBRARY_PATH", "/usr/local/cuda/lib64"));
    }

    @Test
    void onlyRelevantVariablesAreListed() {
        List<Diagnostics.Fact> f = new ArrayList<>();
        Diagnostics.env(f, Map.of("CUDA_VISIBLE_DEVICES", "0", "EDITOR", "vi", "MY_API_KEY", "k"));
        assertEquals(List.of(new Diagnostics.Fact("env", "CUDA_VISIBLE_DEVICES", "0"),
                new Diagnostics.Fact("env", "MY_API_KEY", "****")), f);
    }
}
