/* The speech detector's combiner, written by bench/speech_fit from the
   features of generated dialogue programmes (tests/dialogue/gen_dialogue,
   every condition, 48 kHz, seeds 13, 14 and 15, 45 s each); the tests
   use seed 21, the bench seed 12.  See the README on the speech detector.
   Inputs: context features of speech.c's context_inputs(). */
#define SPEECH_MODEL_INPUTS 11
#define SPEECH_MODEL_HIDDEN 8
static const float speech_model_mean[SPEECH_MODEL_INPUTS] = {5.56027f, 10.5874f, 0.27374f, 0.0742742f, -0.834676f, 0.700043f, 3.59384f, 0.187052f, 15.215f, 1.02112f, 1.07138f};
static const float speech_model_scale[SPEECH_MODEL_INPUTS] = {7.39777f, 10.6714f, 0.148112f, 0.0528631f, 0.704988f, 0.821914f, 3.2259f, 0.281211f, 12.6948f, 1.46425f, 1.81951f};
static const float speech_model_hidden[SPEECH_MODEL_HIDDEN][SPEECH_MODEL_INPUTS] = {
  {-0.354759f, -1.01453f, -0.215866f, -0.572701f, -1.91905f, 1.41827f, -0.627382f, -0.245767f, -0.328463f, -0.149111f, 0.0157933f},
  {-0.747766f, 1.28066f, -1.48352f, -0.14463f, -1.49399f, -2.41649f, 0.333641f, -0.109442f, -0.266291f, 0.526557f, -0.504565f},
  {0.279961f, 0.862173f, -0.0669456f, -0.00308597f, -2.03758f, -0.691134f, -0.0145382f, -0.203629f, -0.76702f, 0.124463f, 0.2567f},
  {-0.531667f, 2.27164f, 0.125359f, -0.365403f, -0.170065f, -2.71605f, -0.317129f, 0.172947f, -2.384f, -0.208821f, 0.230409f},
  {0.32923f, -0.483452f, 0.905951f, -0.539557f, 0.736057f, -1.38461f, 1.4503f, -0.527344f, 1.27287f, 0.329011f, -1.39515f},
  {-0.582135f, 0.535465f, -0.623947f, 0.229391f, 0.0516025f, 0.728764f, -0.589435f, 0.315883f, -1.51326f, 0.128313f, 0.894085f},
  {0.495229f, -3.2034f, 0.767172f, 0.0746102f, -0.351163f, 1.19448f, -0.357929f, -0.287272f, 0.738535f, -0.766209f, -0.810642f},
  {-0.437985f, 0.018232f, -0.386852f, -0.350377f, -5.48279f, -0.0916418f, -0.00444122f, 0.158154f, 0.433623f, 0.32936f, -0.063325f},
};
static const float speech_model_hidden_bias[SPEECH_MODEL_HIDDEN] = {-0.122612f, -1.19442f, -0.942491f, -2.13359f, 1.39578f, 0.242143f, -1.89959f, 3.60059f};
/* output weights, then the output bias */
static const float speech_model_output[SPEECH_MODEL_HIDDEN + 1] = {-1.7546f, -2.58143f, 3.14966f, -2.62844f, 2.64104f, 3.24867f, -1.99642f, 4.15455f, -6.02716f};
