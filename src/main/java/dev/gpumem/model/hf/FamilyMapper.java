package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;

/** Maps one family of HF configs (one or a few related {@code model_type}s) onto an architecture and tensor list. */
interface FamilyMapper {
    /**
     * @param config the config.json, overrides applied
     * @param ctx    head, quantization and checkpoint dtype already decided by the loader
     * @throws BadInputException naming the field when a required key is missing or invalid
     */
    MappedModel map(HfConfig config, MapperContext ctx);
}
