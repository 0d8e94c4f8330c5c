/** MP4 reading shared by main and the renderer: boxes, codec strings, init and fragment parsing, the stream splitter. */
export { MAX_BOX_BYTES, Mp4FormatError, childBoxes, fourcc } from './boxes.js';
export { avcCodecString, codecsOf, esdsCodecString, hevcCodecString } from './codecs.js';
export { parseFragment, isSyncSample, type FragmentInfo, type TrackRun } from './fragment.js';
export { parseInit, type InitInfo, type TrackInfo } from './init.js';
export { Fmp4Splitter, type Fmp4Segment } from './splitter.js';
