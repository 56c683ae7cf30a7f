package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 item 6: a profile, samples CSV or calibration file whose numbers are the string "NaN", negative,
 * fractional or 1e309 is refused with the file and the field named, never read as 0 or clamped to 2^63-1.
 */
class ProfileNumbersTest {
    @TempDir
    Path dir;

    /** peak_device of the first phase: 950 MiB in {@link ProfileJsonTest#profile} */
    private static final String PEAK = "\"peak_device\" : " + (950L << 20);

    private static String profileJson() {
        String json = ProfileJson.toJson(ProfileJsonTest.profile(DeviceInfo.Kind.GPU), null);
        assertTrue(json.contains(PEAK), json);
        return json;
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"NaN\"", "-1", "1.5", "1e309", "9223372036854775808", "true"})
    void aBadByteCountIsRefusedNamingTheFileAndTheField(String value) {
        String json = profileJson().replace(PEAK, "\"peak_device\" : " + value);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ProfileJson.fromJson("runs/trunc.json", json, List.of()));
        assertTrue(e.getMessage().startsWith("runs/trunc.json: phases[0].peak_device: "), e.getMessage());
    }

    @Test
    void nestedReadingsAndTheDeviceTotalAreCheckedToo() {
        String baseline = profileJson().replaceFirst("\"device_used\" : \\d+", "\"device_used\" : -5");
        BadInputException b = assertThrows(BadInputException.class, () -> ProfileJson.fromJson("p.json", baseline,
                List.of()));
        assertEquals("p.json: baseline.device_used: must be a non-negative integer, got -5", b.getMessage());
        String total = profileJson().replace("\"total_bytes\" : 85520809984", "\"total_bytes\" : 1e309");
        BadInputException t = assertThrows(BadInputException.class, () -> ProfileJson.fromJson("p.json", total,
                List.of()));
        assertTrue(t.getMessage().startsWith("p.json: provenance.device.total_bytes: must be a non-negative integer"),
                t.getMessage());
        String rate = profileJson().replace("\"sample_rate_hz\" : 1234.5", "\"sample_rate_hz\" : \"NaN\"");
        BadInputException r = assertThrows(BadInputException.class, () -> ProfileJson.fromJson("p.json", rate,
                List.of()));
        assertTrue(r.getMessage().startsWith("p.json: sample_rate_hz: must be a number"), r.getMessage());
    }

    @Test
    void aGoodProfileStillReadsBackEqual() {
        Profile p = ProfileJsonTest.profile(DeviceInfo.Kind.GPU);
        Profile back = ProfileJson.fromJson("p.json", ProfileJson.toJson(p, null), p.samples());
        assertEquals(p, back);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "-2", "1.5", "99999999999999999999", ""})
    void aBadSampleIsRefusedNamingTheCsvLineAndColumn(String value) {
        String csv = SamplesCsv.HEADER + "\n1,load,2,3\n5,load," + value + ",-1\n";
        BadInputException e = assertThrows(BadInputException.class, () -> SamplesCsv.fromCsv("a.samples.csv", csv));
        assertTrue(e.getMessage().startsWith("a.samples.csv line 3: device_used: "), e.getMessage());
    }

    @Test
    void minusOneIsTheOnlyNegativeProcessFigure() {
        assertEquals(-1, SamplesCsv.fromCsv("a", SamplesCsv.HEADER + "\n1,load,2,-1\n").get(0).processUsed());
        BadInputException e = assertThrows(BadInputException.class,
                () -> SamplesCsv.fromCsv("a", SamplesCsv.HEADER + "\n1,load,2,-2\n"));
        assertEquals("a line 2: process_used: -2 is negative; must be >= -1", e.getMessage());
    }

    @Test
    void readingAProfileNamesTheFileThatIsBad() throws Exception {
        Profile p = ProfileJsonTest.profile(DeviceInfo.Kind.GPU);
        Path good = ProfileFiles.write(p, dir.resolve("out"));
        Path trunc = dir.resolve("trunc.json");
        String text = Files.readString(good);
        Files.writeString(trunc, text.substring(0, text.length() / 2));
        assertEquals(p, ProfileFiles.read(good));
        BadInputException e = assertThrows(BadInputException.class, () -> ProfileFiles.read(trunc));
        assertTrue(e.getMessage().startsWith(trunc + ": not valid JSON"), e.getMessage());
        // its samples CSV, corrupted, is named by its own path
        Path csv = good.resolveSibling(good.getFileName().toString().replace(".json", ".samples.csv"));
        Files.writeString(csv, SamplesCsv.HEADER + "\n12,load,NaN,0\n");
        BadInputException c = assertThrows(BadInputException.class, () -> ProfileFiles.read(good));
        assertTrue(c.getMessage().startsWith(csv + " line 2: device_used: 'NaN' is not an integer"), c.getMessage());
    }

    @Test
    void aDirectoryOrAFifoIsNotAProfile() throws Exception {
        BadInputException d = assertThrows(BadInputException.class, () -> ProfileFiles.read(dir));
        assertEquals("profile: " + dir + " is a directory", d.getMessage());
        Path fifo = dir.resolve("pipe.json");
        assumeTrue(mkfifo(fifo), "mkfifo is not available here");
        BadInputException f = assertThrows(BadInputException.class, () -> ProfileFiles.read(fifo));
        assertTrue(f.getMessage().startsWith("profile: " + fifo + " is not a regular file"), f.getMessage());
        BadInputException missing = assertThrows(BadInputException.class,
                () -> ProfileFiles.read(dir.resolve("none.json")));
        assertEquals("profile: no such file: " + dir.resolve("none.json"), missing.getMessage());
    }

    static boolean mkfifo(Path path) {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return p.waitFor() == 0 && Files.exists(path);
        } catch (Exception e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"NaN\"", "-1", "1.5", "1e309"})
    void aCalibrationResidualWithABadByteCountIsRefused(String value) {
        String json = CalibrationJson.toJson(CalibrationJsonTest.CAL).replace("\"measured_bytes\" : 1000",
                "\"measured_bytes\" : " + value);
        BadInputException e = assertThrows(BadInputException.class, () -> CalibrationJson.fromJson(json, "c.json"));
        assertTrue(e.getMessage().startsWith("c.json: residuals[0].measured_bytes: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"NaN\"", "-1", "1.5", "1e309"})
    void aCalibrationConstantWithABadByteCountIsRefused(String value) {
        String json = CalibrationJson.toJson(CalibrationJsonTest.CAL).replace("\"context_bytes\" : 536870912",
                "\"context_bytes\" : " + value);
        BadInputException e = assertThrows(BadInputException.class, () -> CalibrationJson.fromJson(json, "c.json"));
        assertTrue(e.getMessage().startsWith("c.json: context_bytes must be"), e.getMessage());
    }
}
