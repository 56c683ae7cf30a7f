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
 * @param org      the owner (user or organisation), e.g. {@code meta-llama}
 * @param name     the repository, e.g. {@code Llama-3.1-8B}
 * @param revision the revision after {@code @}, or null for the default branch {@code main}
 */
record HubId(String org, String name, String revision) {
    private static final Pattern ID = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]{0,95})/([A-Za-z0-9][A-Za-z0-9._-]{0,95})(?:@([A-Za-z0-9][A-Za-z0-9._/-]*))?");

    /** @return the id {@code ref} spells, or empty when it is not one (a path, a bare name, ...) */
    static Optional<HubId> parse(String ref) {
        Matcher m = ID.matcher(ref);
        if (!m.matches()) {
            return Optional.empty();
        }
        String org = m.group(1);
        String name = m.group(2);
        if (name.endsWith(".json") || (org + "/" + name).contains("--") || (org + "/" + name).contains("..")
                || org.matches(".*[.-]") || name.matches(".*[.-]") || name.endsWith(".git") || (m.group(3) != null && m.group(3).contains(".."))) {
            return Optional.empty();
        }
        return Optional.of(new HubId(org, name, m.group(3)));
    }

    /** @return {@code ORG/NAME} without the revision */
    String repoId() {
        return org + "/" + name;
    }

    /** @return the repository's folder in the cache, {@code models--ORG--NAME} (huggingface_hub repo_folder_name) */
    String cacheFolder() {
        return "models--" + org + "--" + name;
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
