/**
 * Reads Hugging Face model descriptions: config.json (one mapper per model_type family), the JSON headers of
 * *.safetensors files (without reading weights), and the shipped presets. Produces an
 * {@link dev.gpumem.model.Inventory}.
 * Must not: know about run configurations, phases or devices.
 */
package dev.gpumem.model.hf;
