/**
 * Optimizer states and step temporaries per trainable tensor (Adam/AdamW, SGD, SGD with momentum, bitsandbytes
 * AdamW 8-bit, Adafactor, Lion, none), each with its source.
 * Must not: decide when states are created or freed (the step builders do), know about sharding beyond the element
 * count it is given.
 */
package dev.gpumem.estimate.optim;
