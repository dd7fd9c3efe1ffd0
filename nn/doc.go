// Package nn is galforge's small deep-learning engine: float32 tensors,
// reverse-mode automatic differentiation on a tape, the layers, losses and
// optimisers that galforge's generative models use, and safetensors
// checkpoints. Matrix products go to a BLAS chosen at run time (package
// nn/blas): OpenBLAS (or the CBLAS named by GALFORGE_BLAS) loaded without
// cgo, else gonum's pure-Go BLAS, so one binary runs everywhere.
//
// # Tensors and the tape
//
// A Tensor is row-major float32 data with a shape; images are NCHW.
// Parameters (NewParam, or the layer constructors) own their Data and Grad.
// Every operation is a method of a Tape, which records it for Backward and
// lends the result its buffer; Reset recycles all those buffers, so a
// training loop that repeats the same shapes allocates nothing after its
// first step:
//
//	rng := nn.NewRNG(seed, 0)
//	fc := nn.NewLinear("fc", 16, 1, true, rng)
//	opt := nn.NewAdam(fc.Params(), 1e-3)
//	tp := nn.NewTape()
//	for step := 0; step < 100; step++ {
//		tp.Reset()
//		x := tp.Const(batchX, 32, 16)
//		loss := tp.MSE(fc.Forward(tp, x), tp.Const(batchY, 32, 1))
//		tp.Backward(loss) // parameter gradients accumulate in fc.W.Grad, fc.B.Grad
//		opt.Step()        // update, then clear the gradients
//	}
//
// Set tp.NoGrad for inference (nothing recorded) and tp.Training = false
// for evaluation behaviour of Dropout and BatchNorm. tp.RNG draws dropout
// masks; seed it explicitly. Shape errors are programming errors and panic
// with a message naming the operation and shapes.
//
// # Operations (all differentiable unless noted)
//
//   - MatMul (2-D, batched 3-D, optional transposes), Linear
//   - Conv2d (stride, padding, dilation), ConvTranspose2d (+ output padding)
//   - UpsampleNearest, UpsampleBilinear (align_corners=false), AvgPool2d
//   - Reshape (no copy), Flatten, Permute, Transpose, Concat, Slice, Pad2d
//   - Add, Sub, Mul, Div with NumPy broadcasting; Scale, AddScalar, Neg,
//     Exp, Log, Sqrt, Square, Abs, Sum, Mean, SumRows
//   - ReLU, LeakyReLU, SiLU, GELU (exact erf), Tanh, Sigmoid, Softplus, Softmax
//   - GroupNorm, LayerNorm, BatchNorm (training and evaluation), Dropout
//   - SinusoidalEmbedding (constant), SelfAttention2d (multi-head, residual)
//   - losses: MSE, SSE, L1, BCEWithLogits, GaussianKL, HingeD, HingeG
//   - SpectralNorm for GAN critics (power iteration, PyTorch semantics)
//
// Gradient penalties: there is no double backward, so gradient penalties
// that differentiate a gradient (WGAN-GP, R1) are not supported; GAN
// critics should use spectral normalisation with the hinge loss instead.
//
// # Layers, optimisers, checkpoints
//
// LinearLayer, Conv2dLayer, ConvTranspose2dLayer, GroupNormLayer,
// LayerNormLayer, BatchNormLayer and SelfAttention2d initialise like their
// PyTorch namesakes from an explicit *rand.Rand and name their parameters
// like a PyTorch state_dict ("enc.0.weight"). SGD, Adam and AdamW
// (NewAdamW) follow torch.optim; ClipGradNorm, schedules (ConstantLR,
// StepLR, WarmupCosine) and an EMA of weights complete training.
// Save/Load and SaveCheckpoint/LoadCheckpoint write safetensors files
// (package nn/safetensors) atomically; WriteModelCard writes the JSON model
// card beside them.
//
// # Convolution algorithms
//
// Conv2d picks one of three exact algorithms, all ending in sgemm:
// stride 1 (any padding and dilation) multiplies each kernel tap's
// [Cout, C] weights with the zero-padded input read at the tap's offset,
// with no unfolded copy; a stride S that divides the kernel size is turned
// into stride 1 by splitting the padded input into its S² phases
// (space-to-depth) and the kernel likewise; any other geometry uses
// im2col/col2im in blocks of output rows whose workspace stays below
// ColBudget per worker. A 3×3, pad 1, stride 1 convolution of a nearest ×2
// upsampling runs on the small input: each of the 4 output phases is a 2×2
// convolution with summed kernel taps (16 small taps instead of 9 large
// ones). ConvTranspose2d uses the im2col form. The
// algorithms are checked against each other, against the defining sum and
// against PyTorch in the tests.
//
// # Threads and determinism
//
// GALFORGE_THREADS (or SetThreads) sets how many goroutines nn uses; the
// BLAS library itself runs single-threaded and nn splits the work: samples
// of a batch over workers in convolutions, blocks of rows or columns in
// other matrix products, chunks of elements and channels elsewhere. This
// keeps all cores busy without the library's spinning threads competing
// with Go's, and makes results bit-identical from run to run for a fixed
// thread count (work is split the same way, partial sums are added in a
// fixed order; TestDeterministicTraining). A different thread count may
// change the last bits of weight gradients. BLASName says which BLAS is in
// use. Every random draw comes from an explicitly seeded PCG (NewRNG).
package nn
