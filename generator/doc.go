// Package generator holds galforge's generative models of galaxy and radio
// source stamps and the one small interface they share: draw n images for
// given conditions and a seed, in the units of the data they were trained on.
//
// Three models live here, all built on package nn:
//
//   - CVAE: a convolutional conditional variational auto-encoder with a β
//     knob on the KL term; conditions are fed to encoder and decoder.
//   - CGAN: a conditional GAN trained with the hinge loss, spectrally
//     normalised discriminator and a projection term for the conditions,
//     Adam β = (0, 0.9) and a faster critic (two time-scale rule); its
//     generator and the CVAE's decoder upsample by repetition and
//     convolution, not transposed convolution (no checkerboard).
//   - Flow: conditional flow matching (rectified flow) with a small U-Net,
//     classifier-free guidance, an Euler ODE sampler with a settable number
//     of steps, and inpainting (sampling with known pixels held fixed).
//
// Seeds. Sample(cond, n, seed) draws n stamps from one seed. SampleEach
// draws a batch in which every stamp has its own seed and comes out with
// exactly the pixels of drawing it alone, so that a survey can batch its
// galaxies and still give each the bytes its per-object seed fixes
// (shards agree whatever the batching).
//
// A trained model is a directory with model.safetensors (weights) and
// model.json (the Card: architecture, normalisation, conditions and their
// units, the training distribution of the conditions). Load opens one.
//
// Normalisation. Networks see pixel values y in about [-1, 1]; the card's
// Norm maps data units v to y and back exactly (see Norm). Samples are
// returned in data units.
//
// What a generated DECaLS galaxy is. The gz-decals-rings stamps are
// Galaxy Zoo colour images: 8-bit, arcsinh-type display stretch, ground
// seeing of DECaLS baked in, and a per-galaxy pixel scale. A model trained
// on them generates such display images (values 0-255 per colour channel),
// not calibrated flux: it is a morphology template, usable as a surface
// brightness shape once the stretch is approximately inverted, and carries
// the survey's seeing (about 1.2 arcsec FWHM) already. Its "size" and
// "flux" conditions are measured on the stamp itself, in stamp pixels and
// summed 8-bit units.
package generator
