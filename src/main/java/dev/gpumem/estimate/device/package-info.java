/**
 * Device-level constants: the CUDA context, library workspaces and NCCL's per-communicator buffers (a default
 * channel count, not a measurement) that turn the reserved level into the device level. Owns the shipped per-architecture defaults ({@link dev.gpumem.estimate.device.DeviceDefaults}) and the
 * {@link dev.gpumem.estimate.device.Calibration} record that replaces them.
 * Must not: read files (calibration files are parsed elsewhere and passed in), touch a device.
 */
package dev.gpumem.estimate.device;
