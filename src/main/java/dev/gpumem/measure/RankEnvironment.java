package dev.gpumem.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The rank a process was started as, from its environment in {@code /proc/<pid>/environ}: RANK, LOCAL_RANK and
 * WORLD_SIZE, the variables torchrun sets for each worker (torch/distributed/elastic/agent/server/api.py names
 * them; Slurm-launched scripts usually export them from SLURM_PROCID / SLURM_LOCALID). Linux only; a process whose
 * environment cannot be read (ended, another user's) has none.
 *
 * @param rank      RANK
 * @param localRank LOCAL_RANK, or null
 * @param worldSize WORLD_SIZE, or null
 */
public record RankEnvironment(int rank, Integer localRank, Integer worldSize) {

    /** @return the rank {@code pid} was started with, or empty when it has no (readable, numeric) RANK */
    public static Optional<RankEnvironment> of(long pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        return parse(new String(raw, StandardCharsets.UTF_8));
    }

    /** @param environ NUL-separated NAME=VALUE entries, as /proc/PID/environ holds them */
    static Optional<RankEnvironment> parse(String environ) {
        Integer rank = null;
        Integer local = null;
        Integer world = null;
        for (String entry : environ.split("\0")) {
            if (entry.startsWith("RANK=")) {
                rank = number(entry.substring(5));
            } else if (entry.startsWith("LOCAL_RANK=")) {
                local = number(entry.substring(11));
            } else if (entry.startsWith("WORLD_SIZE=")) {
                world = number(entry.substring(11));
            }
        }
        return rank == null ? Optional.empty() : Optional.of(new RankEnvironment(rank, local, world));
    }

    private static Integer number(String s) {
        try {
            int v = Integer.parseInt(s.trim());
            return v >= 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
