// Package train is the training loop shared by galforge's generative models:
// it prepares the stamps of a real data set (central crop, block averaging
// to the model size, invertible normalisation, measured conditions), draws
// batches with the 8 flips and rotations as augmentation, steps the model,
// shows progress, writes a JSON-lines log, loss-curve and sample-grid PNGs,
// and checkpoints everything a bit-identical resume needs (weights,
// optimiser state, RNG state, data order) every K steps and on SIGINT.
//
// Only rows of the `train` split are ever used for training.
package train
