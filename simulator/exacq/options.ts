/**
 * Switches for the exacqVision simulator. Defaults follow the seed (003, the Web Service 21.03
 * Redoc page); the alternatives are behaviours public clients report from real servers.
 */

/** How a request with an expired or unknown session is answered (all three are seen in the field). */
export type ExacqExpiryMode =
  /** HTTP 401, empty JSON `{success:false}` body. */
  | 'status401'
  /** HTTP 200 with `{"success":false}` (also on JPEG endpoints). */
  | 'successFalse'
  /** HTTP 200 text/html login page, even where a JPEG or JSON was asked for. */
  | 'htmlLogin';

export interface ExacqOptions {
  /**
   * Key of the session id in the login answer. The seed's sample shows `sessionID`; clients
   * written against real servers (ExacqMan, CamerasIA) read `sessionId`.
   */
  sessionIdField: 'sessionID' | 'sessionId';
  expiryMode: ExacqExpiryMode;
  /** A session unused this long is forgotten (ms). The seed's `loginExpiration: 30` suggests 30 minutes. */
  sessionIdleMs: number;
  /** config.web `timezone`, in hours (the seed's sample says -4). */
  timezoneHours: number;
  /** Offset-less request times: server-local (`timezoneHours`) or UTC. Open question in VMS-APIS §8.2. */
  offsetlessTimes: 'local' | 'utc';
  /** Exports untouched this long are removed (seed: 15 minutes). */
  exportIdleMs: number;
  /** How much faster than real time an export progresses at slowTranscodeFactor 1 (stream copy is fast). */
  exportSpeedup: number;
  /** Shortest time an export takes to reach 100 %, so clients see progress rise (ms). */
  exportMinMs: number;
  /** Longest a paced search frame waits for the play head before answering (ms). */
  maxPaceWaitMs: number;
  /** Frame rate of the shared live JPEG feed behind polled video.web JPEGs (a CPU knob: each feed encodes JPEGs). */
  liveJpegFps: number;
}

export const defaultExacqOptions: ExacqOptions = {
  sessionIdField: 'sessionID',
  expiryMode: 'htmlLogin',
  sessionIdleMs: 30 * 60_000,
  timezoneHours: -4,
  offsetlessTimes: 'local',
  exportIdleMs: 15 * 60_000,
  exportSpeedup: 30,
  exportMinMs: 1500,
  maxPaceWaitMs: 2000,
  liveJpegFps: 2,
};
