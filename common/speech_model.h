/* The speech detector's combiner, written by bench/speech_fit from the
   features of generated dialogue programmes (tests/dialogue/gen_dialogue,
   every condition, 48 kHz); see the README's speech detector section.
   Inputs: context features of speech.c's context_inputs(). */
#define SPEECH_MODEL_INPUTS 11
#define SPEECH_MODEL_HIDDEN 8
static const float speech_model_mean[SPEECH_MODEL_INPUTS] = {5.96976f, 11.0467f, 0.277534f, 0.0717222f, -0.836672f, 0.729182f, 3.64055f, 0.198554f, 15.7424f, 0.994104f, 1.16048f};
static const float speech_model_scale[SPEECH_MODEL_INPUTS] = {7.75362f, 10.8752f, 0.144406f, 0.0486976f, 0.666458f, 0.863175f, 3.18154f, 0.295423f, 12.8159f, 1.39394f, 1.92627f};
static const float speech_model_hidden[SPEECH_MODEL_HIDDEN][SPEECH_MODEL_INPUTS] = {
  {-1.32079f, 1.43446f, -0.972803f, 0.102052f, 0.0473515f, -0.00246003f, -0.101855f, 0.0490392f, -0.952947f, 0.0742651f, 0.125123f},
  {-1.17754f, 0.372671f, -1.76511f, -0.393154f, -2.16445f, -2.40771f, 0.745445f, -0.0286227f, 0.563646f, 0.0193159f, -0.748739f},
  {1.1489f, -0.380137f, -0.00766645f, 0.242448f, -1.72073f, -0.205196f, -0.6526f, -0.0937891f, 0.223209f, -0.311565f, 0.215313f},
  {-0.286917f, 1.42295f, -0.102882f, 0.290387f, -0.0277115f, -3.98017f, 0.109229f, 0.257724f, -1.30306f, 0.108923f, 0.196762f},
  {0.605216f, -1.15944f, 0.15967f, -0.272385f, 0.759257f, -1.22496f, 2.3234f, -0.422448f, 2.45146f, -0.39215f, -1.46919f},
  {0.809143f, -0.71416f, 2.42103f, 0.964829f, 1.21299f, 1.60652f, -0.162793f, 0.433097f, -0.334f, 0.497696f, -1.35044f},
  {-0.666533f, -0.545158f, -0.248492f, 0.102875f, -1.86496f, 1.72136f, -0.540931f, -0.245025f, -0.0792185f, -0.544791f, -0.827181f},
  {-1.51729f, 1.01531f, -0.415387f, -0.257963f, -4.47769f, -0.156671f, 0.0274876f, 0.232135f, 0.134465f, 0.251834f, 0.425042f},
};
static const float speech_model_hidden_bias[SPEECH_MODEL_HIDDEN] = {-0.0259856f, -1.69911f, -0.524618f, -1.8251f, 1.81772f, 2.32776f, -0.446874f, 3.0604f};
/* output weights, then the output bias */
static const float speech_model_output[SPEECH_MODEL_HIDDEN + 1] = {3.05251f, -2.00088f, 3.63307f, -2.79362f, 2.18623f, 1.67496f, -2.75632f, 4.2473f, -5.35777f};
