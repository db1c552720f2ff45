/* The speech detector's combiner, written by bench/speech_fit from the
   features of generated dialogue programmes (tests/dialogue/gen_dialogue,
   every condition, 48 kHz, seeds 13, 14 and 15, 45 s each; the tests use
   seed 21, the bench seed 12), with SPEECH_FIT_BED_WEIGHT=3; see the
   README's speech detector section.
   Inputs: context features of speech.c's context_inputs(). */
#define SPEECH_MODEL_INPUTS 16
#define SPEECH_MODEL_HIDDEN 8
static const float speech_model_mean[SPEECH_MODEL_INPUTS] = {5.56027f, 10.5874f, 0.27374f, 0.0742742f, -0.834676f, 0.700043f, 3.59384f, 0.187052f, 15.215f, 1.02112f, 1.07138f, 14.0708f, 0.374613f, 1.81093f, 0.483999f, 3.20279f};
static const float speech_model_scale[SPEECH_MODEL_INPUTS] = {7.39777f, 10.6714f, 0.148112f, 0.0528631f, 0.704988f, 0.821914f, 3.2259f, 0.281211f, 12.6948f, 1.46425f, 1.81951f, 13.3154f, 0.325126f, 2.16251f, 0.120766f, 4.65306f};
static const float speech_model_hidden[SPEECH_MODEL_HIDDEN][SPEECH_MODEL_INPUTS] = {
  {-0.314531f, -1.32851f, 0.3867f, 0.177463f, 0.162935f, 1.00379f, -0.547103f, 0.0338021f, 1.43631f, 0.0300018f, 0.196601f, 0.480385f, -1.12712f, -1.75938f, 0.00189375f, 1.25577f},
  {0.162268f, 1.51156f, -0.174221f, 0.362943f, 0.0060585f, -0.023371f, -0.142307f, 0.192577f, -1.51797f, -1.10161f, 0.305951f, -0.150462f, 0.0225146f, -2.53956f, 0.142094f, -0.359549f},
  {-0.567364f, 2.09602f, -0.465192f, -0.0615786f, -0.865082f, 1.34525f, 0.0984951f, 0.371778f, -0.0766225f, 0.0580919f, -0.106262f, -0.876654f, -0.415816f, -0.221125f, 0.614172f, -0.0144061f},
  {0.405848f, -0.601695f, 0.080136f, 1.11591f, 0.518371f, -1.58111f, -0.0902703f, -0.0841643f, 0.0371784f, 0.369698f, 0.715372f, 0.00477777f, 0.220321f, 0.419884f, -0.0315998f, -0.149401f},
  {-0.901523f, 0.382624f, -0.475787f, -0.0889835f, -0.668873f, -3.06055f, 0.0282991f, -0.00379892f, -0.132739f, 0.249025f, 0.45446f, 0.309013f, -0.142411f, 0.298274f, -0.000482162f, -0.103045f},
  {0.512516f, -0.525258f, 0.485806f, -0.466294f, -0.777111f, -0.0100122f, 0.944623f, -0.29167f, 0.44965f, 0.49059f, -0.266138f, -0.720603f, 0.469561f, 0.548359f, -0.180635f, 0.14422f},
  {-0.546973f, -0.839395f, -0.367979f, -0.362845f, -4.73291f, -0.230576f, 0.205536f, 0.00476809f, 0.3179f, 0.322819f, 0.440777f, 0.546799f, 0.695857f, -0.324502f, -0.182285f, 0.0584173f},
  {-0.094393f, 0.451445f, -0.622898f, 0.729892f, -0.340777f, 1.23127f, -2.27836f, 0.282171f, -0.306501f, -0.658967f, 0.408945f, -0.166752f, 0.0393255f, -0.341982f, 0.162162f, 0.879333f},
};
static const float speech_model_hidden_bias[SPEECH_MODEL_HIDDEN] = {-0.00333256f, -1.82345f, 0.57208f, -0.0634653f, -1.13756f, 0.771084f, 3.18688f, -1.72063f};
/* output weights, then the output bias */
static const float speech_model_output[SPEECH_MODEL_HIDDEN + 1] = {-2.01219f, -2.20124f, 2.73856f, 1.7995f, -3.51038f, -3.95518f, 4.397f, -1.77394f, -4.07839f};
