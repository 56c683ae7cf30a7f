package dev.gpumem.model.hf;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub model id as users type it: {@code ORG/NAME}, optionally {@code ORG/NAME@REVISION} (a branch,
 * a tag or a commit hash). The id's characters follow huggingface_hub's {@code validate_repo_id} (letters, digits,
 * {@code - _ .}, not ending in {@code -} or {@code .}; no {@code --} or {@code ..}; huggingface/huggingface_hub src/huggingface_hub/utils/_validators.py @
 * 0a57df9c03e6eac70d7e231d29386867ac508edc).
 * A reference ending in {@code .json} is a file path, never an id.
 *
 * @param org      the owner (user or organisation), e.g. {@code meta-llama}; null for a legacy id without one
 * @param name     the repository, e.g. {@code Llama-3.1-8B}
 * @param revision the revision after {@code @}, or null for the default branch {@code main}
 */
record HubId(String org, String name, String revision) {
    private static final String PART = "[A-Za-z0-9][A-Za-z0-9._-]{0,95}";
    private static final Pattern ID = Pattern.compile("(" + PART + ")/(" + PART + ")(?:@([A-Za-z0-9][A-Za-z0-9._/-]*))?");
    private static final Pattern LEGACY = Pattern.compile("(" + PART + ")(?:@([A-Za-z0-9][A-Za-z0-9._/-]*))?");

    /** @return the id {@code ref} spells as {@code ORG/NAME[@REVISION]}, or empty when it is not one */
    static Optional<HubId> parse(String ref) {
        Matcher m = ID.matcher(ref);
        if (!m.matches() || !valid(m.group(1)) || !valid(m.group(2)) || !validRevision(m.group(3))) {
            return Optional.empty();
        }
        return Optional.of(new HubId(m.group(1), m.group(2), m.group(3)));
    }

    /**
     * @return the legacy id without an owner ({@code distilgpt2}, {@code t5-small}: the Hub's first models, cached as
     *         {@code models--distilgpt2}) that {@code ref} spells, or empty
     */
    static Optional<HubId> parseLegacy(String ref) {
        Matcher m = LEGACY.matcher(ref);
        if (!m.matches() || !valid(m.group(1)) || !validRevision(m.group(2))) {
            return Optional.empty();
        }
        return Optional.of(new HubId(null, m.group(1), m.group(2)));
    }

    private static boolean valid(String part) {
        return !part.endsWith(".json") && !part.contains("--") && !part.contains("..") && !part.matches(".*[.-]")
                && !part.endsWith(".git");
    }

    private static boolean validRevision(String revision) {
        return revision == null || !revision.contains("..");
    }

    /** @return {@code ORG/NAME} (or the legacy {@code NAME}) without the revision */
    String repoId() {
        return org == null ? name : org + "/" + name;
    }

    /** @return the repository's folder in the cache, {@code models--ORG--NAME} (huggingface_hub repo_folder_name) */
    String cacheFolder() {
        return "models--" + repoId().replace("/", "--");
    }

    /** @return the revision to look up: the stated one, else {@code main} */
    String revisionOrMain() {
        return revision == null ? "main" : revision;
    }

    @Override
    public String toString() {
        return revision == null ? repoId() : repoId() + "@" + revision;
    }
}
