package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local Hugging Face Hub cache, read without the network. Where it is follows huggingface_hub
 * (huggingface/huggingface_hub src/huggingface_hub/constants.py @ 03333b689b5a2dee604676791c0792ede6246a31):
 * {@code HF_HUB_CACHE}, else the legacy {@code HUGGINGFACE_HUB_CACHE}, else {@code HF_HOME/hub}, else
 * {@code XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub} ({@code ~} expanded in each).
 * A model lives in {@code models--ORG--NAME/}: {@code refs/<revision>} holds the commit hash of a branch or tag,
 * {@code snapshots/<commit>/} the downloaded files (symbolic links to {@code ../../blobs/<sha>}), as
 * {@code try_to_load_from_cache} reads it (src/huggingface_hub/file_download.py @
 * 003956d3e85bda5ea4cff0595bd1dc95771a0bf1).
 *
 * @param root   the hub cache folder
 * @param origin which setting gave it, for messages (e.g. "HF_HUB_CACHE", "HF_HOME/hub")
 */
public record HfCache(Path root, String origin) {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /**
     * @param env  the environment (injected: tests pass their own map; the CLI passes the process's)
     * @param home the user's home folder, when {@code HOME} is not in {@code env}
     */
    public static HfCache locate(Map<String, String> env, Path home) {
        Path h = set(env, "HOME") ? Path.of(env.get("HOME")) : home;
        if (set(env, "HF_HUB_CACHE")) {
            return new HfCache(expand(env.get("HF_HUB_CACHE"), h), "HF_HUB_CACHE");
        }
        if (set(env, "HUGGINGFACE_HUB_CACHE")) {
            return new HfCache(expand(env.get("HUGGINGFACE_HUB_CACHE"), h), "HUGGINGFACE_HUB_CACHE");
        }
        if (set(env, "HF_HOME")) {
            return new HfCache(expand(env.get("HF_HOME"), h).resolve("hub"), "HF_HOME/hub");
        }
        if (set(env, "XDG_CACHE_HOME")) {
            return new HfCache(expand(env.get("XDG_CACHE_HOME"), h).resolve("huggingface").resolve("hub"),
                    "XDG_CACHE_HOME/huggingface/hub");
        }
        return new HfCache(h.resolve(".cache").resolve("huggingface").resolve("hub"), "~/.cache/huggingface/hub");
    }

    /**
     * A cached snapshot of a model.
     *
     * @param folder the snapshot folder ({@code snapshots/<commit>})
     * @param how    how the commit was chosen, one clause for the notes (e.g. "refs/main = 0e9e39f...")
     */
    record Snapshot(Path folder, String how) {
    }

    /** @return the model's folder in this cache, {@code <root>/models--ORG--NAME} (it may not exist) */
    Path repoFolder(HubId id) {
        return root.resolve(id.cacheFolder());
    }

    /**
     * @return the snapshot of {@code id}'s revision, or empty when the model is not in this cache
     * @throws BadInputException when the model is cached but the revision cannot be told (a stated revision
     *                                  not cached, or several snapshots and no {@code refs/main})
     */
    Optional<Snapshot> snapshot(HubId id) {
        Path repo = repoFolder(id);
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return Optional.empty();
        }
        String rev = id.revisionOrMain();
        Path ref = repo.resolve("refs").resolve(rev);
        if (Files.isRegularFile(ref)) {
            String commit = readRef(ref);
            Path folder = snapshots.resolve(commit);
            if (!Files.isDirectory(folder)) {
                throw new BadInputException("model " + id + ": " + ref + " names commit " + commit
                        + " but " + folder + " is missing; download the model again (huggingface-cli download "
                        + id.repoId() + " config.json)");
            }
            return Optional.of(new Snapshot(folder, "refs/" + rev + " = " + commit));
        }
        if (id.revision() != null) {
            if (COMMIT.matcher(rev).matches() && Files.isDirectory(snapshots.resolve(rev))) {
                return Optional.of(new Snapshot(snapshots.resolve(rev), "commit " + rev));
            }
            throw new BadInputException("model " + id + ": revision '" + rev + "' is not in the Hugging Face"
                    + " cache (no " + ref + " and no snapshot of that commit; cached: "
                    + String.join(", ", list(snapshots)) + "); download it with huggingface-cli download "
                    + id.repoId() + " config.json --revision " + rev);
        }
        List<String> all = list(snapshots);
        if (all.size() == 1) {
            return Optional.of(new Snapshot(snapshots.resolve(all.get(0)), "refs/main is missing; the only"
                    + " snapshot, " + all.get(0) + ", is used"));
        }
        if (all.isEmpty()) {
            return Optional.empty();
        }
        throw new BadInputException("model " + id + ": the Hugging Face cache " + repo + " has no refs/main"
                + " and " + all.size() + " snapshots (" + String.join(", ", all) + "); name one as " + id.repoId()
                + "@<commit>");
    }

    private static String readRef(Path ref) {
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            if (commit.isEmpty() || commit.contains("/") || commit.contains("\\") || commit.equals("..")) {
                throw new BadInputException("Hugging Face cache file " + ref + " does not hold a commit hash"
                        + " (got '" + commit + "')");
            }
            return commit;
        } catch (IOException e) {
            throw new BadInputException("Hugging Face cache file " + ref + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    private static List<String> list(Path snapshots) {
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException("Hugging Face cache folder " + snapshots + " cannot be listed: "
                    + e.getMessage(), e);
        }
    }

    private static boolean set(Map<String, String> env, String key) {
        String v = env.get(key);
        return v != null && !v.isBlank();
    }

    /** {@code ~} and {@code ~/...} become the home folder, as os.path.expanduser does. */
    private static Path expand(String value, Path home) {
        if (value.equals("~")) {
            return home;
        }
        if (value.startsWith("~/")) {
            return home.resolve(value.substring(2));
        }
        return Path.of(value);
    }
}
