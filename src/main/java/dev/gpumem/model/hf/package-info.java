/**
 * Reads Hugging Face model descriptions into an {@link dev.gpumem.model.Inventory}: config.json (with
 * {@code model_overrides}), one {@link dev.gpumem.model.hf.FamilyMapper} per model_type family (an unknown decoder
 * is read as a generic Llama-style one, with a warning), the head chosen by {@code architectures}, the
 * {@code quantization_config}, the JSON headers of *.safetensors files (never the weights), and the shipped presets
 * (classpath resources under {@code /dev/gpumem/presets/}, listed in {@code index.txt}).
 * Owns: the mapping from HF config keys to {@link dev.gpumem.model.Architecture} and tensor names/shapes.
 * Jackson is used here only to parse JSON, and only in {@code JsonConfigReader} and {@code SafetensorsHeaderReader}.
 * Must not: know about run configurations, phases, devices or the CLI; write files; touch the network.
 */
package dev.gpumem.model.hf;
