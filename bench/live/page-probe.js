// Runs inside the page (Playwright addInitScript), for Tessera and for the baseline page alike.
// It only observes what any page exposes: tiles (section[role=region], named by aria-label),
// their <video> (getVideoPlaybackQuality, requestVideoFrameCallback metadata) and <img>, and the
// app's `media:open` requests on its WebSocket (the moment a tile asks for a stream).
// Node reads window.__bench.snapshot() and window.__bench.report().

/* global window, document, performance, WebSocket, MutationObserver, MediaSource, URL */
export function pageProbe(options) {
  const clockNames = new Set(options.clockNames);
  const origin = performance.timeOrigin;
  const wall = (t) => origin + t;
  const tiles = new Map(); // name → record
  const opens = new Map(); // cameraId or name → first request time (wall ms)

  const tile = (name) => {
    let t = tiles.get(name);
    if (!t) {
      t = { name, seenAt: null, stillAt: null, firstFrameAt: null, presented: 0, decoded: 0, dropped: 0, updates: [], edges: [], diffs: [], videos: new Map(), seeks: [], speedUps: [] };
      tiles.set(name, t);
    }
    return t;
  };
  const update = (t, at) => {
    t.updates.push(at);
    // Enough for the longest window (900 s + warm-up at 25 pictures a second): a smaller cap cut
    // the start of a 600 s window and reported its first minutes as one long gap.
    if (t.updates.length > 30_000) t.updates.splice(0, 5000);
  };

  // The app asks main for a stream with `media:open` and for a still with `cameras:still` over its
  // bridge WebSocket; answers carry the request's id. A tile's first picture splits into: tile
  // seen → still asked (the page) → answer in (main and the socket) → on screen (the page).
  const stills = new Map(); // cameraId → { askedAt, answeredAt }
  const stillIds = new Map(); // request id → cameraId
  const listening = new WeakSet();
  const onAnswer = (event) => {
    if (typeof event.data !== 'string' || !stillIds.size) return;
    try {
      const id = JSON.parse(event.data).id;
      const cameraId = stillIds.get(id);
      if (cameraId === undefined) return;
      stillIds.delete(id);
      const s = stills.get(cameraId);
      if (s && s.answeredAt === null) s.answeredAt = wall(performance.now());
    } catch {
      // not JSON: not ours to judge
    }
  };
  // Start-up stages of each tile's video (wall ms), keyed like `opens`: the open's answer
  // (Tessera's media:open), the first media bytes at the page, the first media in the <video>'s
  // buffer. ffmpeg's side comes from main's log (Tessera) or the baseline server.
  const stages = new Map();
  const stage = (key, name, at = wall(performance.now())) => {
    const s = stages.get(key) ?? {};
    s[name] ??= at;
    stages.set(key, s);
  };
  const openIds = new Map(); // media:open request id → cameraId
  const pathKeys = new Map(); // media path → cameraId
  const onOpenAnswer = (event) => {
    if (typeof event.data !== 'string' || !openIds.size) return;
    try {
      const frame = JSON.parse(event.data);
      const cameraId = openIds.get(frame.id);
      if (cameraId === undefined) return;
      openIds.delete(frame.id);
      stage(cameraId, 'answeredAt');
      const path = frame.result?.value?.path;
      if (typeof path === 'string') pathKeys.set(path.replace(/^\//, ''), cameraId);
    } catch {
      // not JSON: not ours to judge
    }
  };
  // A media socket (serve mode: ws://…/media/stream/<id>): its first binary message is the
  // tile's first bytes. Every socket's answers are read before the app's own listener sees them:
  // the app may open the media socket while it handles the answer.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', onOpenAnswer);
      const path = new URL(String(url)).pathname.replace(/^\//, '');
      const key = pathKeys.get(path);
      if (key === undefined) return;
      stage(key, 'socketAt');
      this.addEventListener('message', (event) => typeof event.data !== 'string' && stage(key, 'bytesAt'));
    }
  };
  // First media in a <video>'s buffer: the SourceBuffer of the MediaSource behind video.src.
  const sourceUrls = new WeakMap(); // MediaSource → object URL
  const bufferedAt = new WeakMap(); // <video> → wall ms
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = function (object) {
    const url = createObjectURL.call(this, object);
    if (object instanceof MediaSource) sourceUrls.set(object, url);
    return url;
  };
  const addSourceBuffer = MediaSource.prototype.addSourceBuffer;
  MediaSource.prototype.addSourceBuffer = function (type) {
    const sb = addSourceBuffer.call(this, type);
    const url = sourceUrls.get(this);
    const onEnd = () => {
      if (!sb.buffered.length) return;
      sb.removeEventListener('updateend', onEnd);
      const at = wall(performance.now());
      for (const video of document.querySelectorAll('video')) if (video.src === url && !bufferedAt.has(video)) bufferedAt.set(video, at);
    };
    sb.addEventListener('updateend', onEnd);
    return sb;
  };

  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && (data.includes('"media:open"') || data.includes('"cameras:still"'))) {
      try {
        const frame = JSON.parse(data);
        const cameraId = frame.input?.cameraId;
        if (cameraId && frame.channel === 'media:open' && !opens.has(cameraId)) {
          opens.set(cameraId, wall(performance.now()));
          openIds.set(frame.id, cameraId);
        }
        if (cameraId && frame.channel === 'cameras:still' && !stills.has(cameraId)) {
          stills.set(cameraId, { askedAt: wall(performance.now()), answeredAt: null });
          stillIds.set(frame.id, cameraId);
          if (!listening.has(this)) {
            listening.add(this);
            this.addEventListener('message', onAnswer);
          }
        }
      } catch {
        // not JSON: not ours to judge
      }
    }
    return send.call(this, data);
  };

  // Decoded/dropped counters per video element, accumulated so a reset (new MediaSource on the
  // same element) or a replaced element never loses or double-counts frames.
  const poll = (t) => {
    for (const [video, last] of t.videos) {
      const q = video.getVideoPlaybackQuality();
      const dDecoded = q.totalVideoFrames >= last.total ? q.totalVideoFrames - last.total : q.totalVideoFrames;
      const dDropped = q.droppedVideoFrames >= last.dropped ? q.droppedVideoFrames - last.dropped : q.droppedVideoFrames;
      t.decoded += dDecoded - dDropped;
      t.dropped += dDropped;
      last.total = q.totalVideoFrames;
      last.dropped = q.droppedVideoFrames;
    }
  };

  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });

  /** Luminance of the clock's time of day (white text over a darkened band) in the frame on screen. */
  const clockLuma = (video) => {
    const h = video.videoHeight;
    const w = video.videoWidth;
    if (!h || !w) return null;
    const x0 = Math.round(0.4 * h);
    const x1 = Math.min(w, Math.round(0.75 * h));
    // The clock line of the simulator's band (simulator/media/ffmpeg-args.ts overlayFilter), above
    // the machine-readable timecode row (0.935 h and below), whose blocks change every frame.
    const y0 = Math.round(0.845 * h);
    const y1 = Math.min(h, Math.round(0.915 * h));
    const cw = x1 - x0;
    const ch = y1 - y0;
    if (canvas.width !== cw || canvas.height !== ch) {
      canvas.width = cw;
      canvas.height = ch;
    }
    ctx.drawImage(video, x0, y0, cw, ch, 0, 0, cw, ch);
    const px = ctx.getImageData(0, 0, cw, ch).data;
    const luma = new Uint8Array(cw * ch);
    for (let i = 0; i < luma.length; i++) luma[i] = px[i * 4] * 0.3 + px[i * 4 + 1] * 0.59 + px[i * 4 + 2] * 0.11;
    return luma;
  };

  const watchVideo = (video, t) => {
    if (t.videos.has(video)) return;
    t.videos.set(video, { total: 0, dropped: 0 });
    // The player's steering after its first frame: seeks (jumps to the live edge) and speed-ups.
    video.addEventListener('seeking', () => t.firstFrameAt !== null && t.seeks.push(wall(performance.now())));
    video.addEventListener('ratechange', () => t.firstFrameAt !== null && video.playbackRate !== 1 && t.speedUps.push(wall(performance.now())));
    let prevLuma = null;
    let prevMediaTime = null;
    const onFrame = (now, meta) => {
      if (!video.isConnected) return;
      const at = wall(meta.expectedDisplayTime ?? now);
      t.firstFrameAt ??= at;
      t.presented += 1;
      update(t, at);
      if (clockNames.has(t.name)) {
        const luma = clockLuma(video);
        if (luma && prevLuma && luma.length === prevLuma.length) {
          // Pixels that swing between text white and the dark band: a digit changed. Coding
          // noise moves antialiased edges by far less than this.
          let diff = 0;
          for (let i = 0; i < luma.length; i++) if (Math.abs(luma[i] - prevLuma[i]) > 120) diff += 1;
          t.diffs.push(diff);
          if (t.diffs.length > 3000) t.diffs.splice(0, 1500);
          if (diff >= Math.max(8, luma.length * 0.0025) && prevMediaTime !== null) t.edges.push({ wallMs: at, mediaTime: meta.mediaTime, prevMediaTime, diff });
        }
        prevLuma = luma;
      }
      prevMediaTime = meta.mediaTime;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };

  const scan = () => {
    const now = wall(performance.now());
    const count = new Map();
    for (const section of document.querySelectorAll('section[role=region]')) {
      const label = section.getAttribute('aria-label');
      if (!label) continue;
      // Two tiles of one camera share a label: the second is "<name> #2", in DOM order.
      const k = (count.get(label) ?? 0) + 1;
      count.set(label, k);
      const name = k === 1 ? label : `${label} #${k}`;
      const t = tile(name);
      t.seenAt ??= now;
      t.section = section;
      t.cameraId ??= section.dataset.cameraId ?? null;
      const picture = section.dataset.picture;
      if (picture === 'still' || picture === 'video') t.stillAt ??= now;
      for (const video of section.querySelectorAll('video')) watchVideo(video, t);
      const img = section.querySelector('img');
      const src = img?.getAttribute('src') ?? null;
      if (src && src !== t.lastSrc) {
        t.lastSrc = src;
        // A new still (JPEG preview) is a picture update too.
        if (picture !== 'video') update(t, now);
      }
    }
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-picture', 'src', 'data-mode'] });
  setInterval(() => {
    scan();
    for (const t of tiles.values()) poll(t);
  }, 500);

  window.__bench = {
    markOpen(key) {
      if (!opens.has(key)) opens.set(key, wall(performance.now()));
    },
    /** The baseline page's first bytes of a stream (Tessera's are seen on its media socket). */
    markBytes(key) {
      stage(key, 'bytesAt');
    },
    snapshot() {
      scan();
      const out = [];
      for (const t of tiles.values()) {
        poll(t);
        const video = [...t.videos.keys()].reverse().find((v) => v.isConnected) ?? null;
        const end = video && video.buffered.length ? video.buffered.end(video.buffered.length - 1) : null;
        out.push({
          name: t.name,
          atMs: Date.now(),
          mode: t.section?.dataset.mode ?? (video ? 'video' : null),
          picture: t.section?.dataset.picture ?? null,
          decoded: t.decoded,
          dropped: t.dropped,
          presented: t.presented,
          videoHeight: video?.videoHeight ?? 0,
          currentTime: video?.currentTime ?? null,
          bufferAhead: video && end !== null ? end - video.currentTime : null,
        });
      }
      return out;
    },
    report(fromMs, toMs) {
      return {
        opens: Object.fromEntries(opens),
        stages: Object.fromEntries(stages),
        tiles: [...tiles.values()].map((t) => {
          const inWindow = t.updates.filter((u) => u >= fromMs && u <= toMs);
          let maxGap = inWindow.length ? Math.max(inWindow[0] - fromMs, toMs - inWindow[inWindow.length - 1]) : toMs - fromMs;
          for (let i = 1; i < inWindow.length; i++) maxGap = Math.max(maxGap, inWindow[i] - inWindow[i - 1]);
          return {
            name: t.name,
            seenAt: t.seenAt,
            stillAt: t.stillAt,
            still: (t.cameraId && stills.get(t.cameraId)) || null,
            firstFrameAt: t.firstFrameAt,
            // The tile's first <video> with media in its buffer (a later restart does not count).
            bufferedAt: [...t.videos.keys()].map((v) => bufferedAt.get(v)).find((at) => at !== undefined) ?? null,
            maxUpdateGapMs: maxGap,
            seeks: t.seeks.length,
            speedUps: t.speedUps.length,
            edges: t.edges.filter((e) => e.wallMs >= fromMs && e.wallMs <= toMs),
            diffs: t.diffs.slice(-300),
          };
        }),
      };
    },
  };
}
