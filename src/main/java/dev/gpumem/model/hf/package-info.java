/**
 * Reads Hugging Face model descriptions into an {@link dev.gpumem.model.Inventory}: config.json (with
 * {@code model_overrides}), one {@link dev.gpumem.model.hf.FamilyMapper} per model_type family (an unknown decoder
 * is read as a generic Llama-style one, with a warning), the head chosen by {@code architectures}, the
 * {@code quantization_config}, the JSON headers of *.safetensors files (never the weights; a sharded checkpoint
 * through its {@code model.safetensors.index.json}), and the shipped presets (classpath resources under
 * {@code /dev/gpumem/presets/}, listed with their Hugging Face Hub aliases in {@code index.txt}).
 * Owns: the resolution of a model reference (preset name, local path, Hub id through the local Hugging Face cache
 * {@link dev.gpumem.model.hf.HfCache}, preset alias; docs/models.md) and the mapping from HF config keys to
 * {@link dev.gpumem.model.Architecture}, its {@link dev.gpumem.model.Traits} (each mapper fills the traits its
 * family's modeling file fixes and reads the ones config.json sets, e.g. the softcapping caps) and tensor
 * names/shapes. The cache's location comes from an environment
 * map handed in ({@code ModelLoader()} hands in the process's).
 * Jackson is used here only to parse JSON, and only in {@code JsonConfigReader} and {@code SafetensorsHeaderReader}.
 * Must not: know about run configurations, phases, devices or the CLI; write files; touch the network.
 */
package dev.gpumem.model.hf;
