// Runs in the page (addInitScript), on serve's origin so its sockets are the renderer's transport:
// window.__scrub.still() times a recorded still over the media WebSocket (ws-media.ts's protocol),
// open() times playback:open → first presented frame in a <video> on MSE, step() a frame step.
export function scrubProbe({ token }) {
  const ws = (path) => {
    const url = new URL(path, `ws://${location.host}/`);
    url.searchParams.set('token', token);
    const s = new WebSocket(url);
    s.binaryType = 'arraybuffer';
    return s;
  };
  const withTimeout = (p, ms, what) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))]);

  /** One still: socket open → head + JPEG; the time includes the socket, main and the VMS. */
  function still(path) {
    const t0 = performance.now();
    return withTimeout(
      new Promise((resolve) => {
        const s = ws(path);
        let head = null;
        s.addEventListener('message', (e) => {
          if (typeof e.data === 'string') head = JSON.parse(e.data);
          else resolve({ ms: performance.now() - t0, status: head?.status, frameTimeMs: head?.frameTimeMs, bytes: e.data.byteLength });
        });
        s.addEventListener('close', () => resolve({ ms: performance.now() - t0, status: head?.status ?? 0, code: head?.code, text: head?.text }));
      }),
      20_000,
      'a recorded still',
    ).catch((err) => ({ ms: null, status: 0, text: String(err.message) }));
  }

  let bridge = null;
  let next = 1;
  const pending = new Map();
  async function request(channel, input) {
    if (!bridge) {
      bridge = ws('bridge');
      bridge.addEventListener('message', (e) => {
        const m = JSON.parse(e.data);
        if (m.id !== undefined && pending.has(m.id)) {
          pending.get(m.id)(m.result);
          pending.delete(m.id);
        } else if (m.event === 'playback:state') for (const st of m.payload) states.set(st.playbackId, st);
      });
      await new Promise((resolve, reject) => (bridge.addEventListener('open', resolve, { once: true }), bridge.addEventListener('error', reject, { once: true })));
    }
    const id = next++;
    const result = await withTimeout(new Promise((resolve) => (pending.set(id, resolve), bridge.send(JSON.stringify({ id, channel, input })))), 30_000, channel);
    if (!result?.ok) throw new Error(`${channel}: ${JSON.stringify(result?.error)}`);
    return result.value;
  }

  const players = new Map();
  /** The last playback:state per session: why a stream that never started did not. */
  const states = new Map();
  const frame = (video) => new Promise((resolve) => video.requestVideoFrameCallback((now, meta) => resolve({ at: performance.now(), mediaTime: meta.mediaTime })));

  /** playback:open at atMs → the answer, the first bytes, the first presented frame (rVFC). */
  async function open(cameraId, atMs) {
    const t0 = performance.now();
    const session = await request('playback:open', { cameraId, atMs });
    const tAnswer = performance.now();
    const video = document.createElement('video');
    video.muted = true;
    video.style.cssText = 'position:fixed;left:0;top:0;width:320px;height:180px;z-index:9999';
    document.body.append(video);
    const ms = new MediaSource();
    video.src = URL.createObjectURL(ms);
    await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
    const s = ws(session.path);
    let sb = null;
    const queue = [];
    let tFirstByte = null;
    const pump = () => {
      if (!sb || sb.updating || queue.length === 0) return;
      try {
        sb.appendBuffer(queue.shift());
      } catch {
        queue.length = 0; // quota: the bench reads only the first seconds
      }
    };
    s.addEventListener('message', (e) => {
      if (typeof e.data === 'string') {
        const head = JSON.parse(e.data);
        if (head.status !== 200) return;
        sb = ms.addSourceBuffer(head.contentType);
        sb.addEventListener('updateend', () => {
          pump();
          // Play from the first frame sent (the keyframe at or before the instant, as the wall does).
          if (video.readyState < 2 && sb.buffered.length) {
            if (Math.abs(video.currentTime - sb.buffered.start(0)) > 0.05) video.currentTime = sb.buffered.start(0);
            void video.play().catch(() => undefined);
          }
        });
        return;
      }
      tFirstByte ??= performance.now();
      queue.push(e.data);
      pump();
    });
    // The asked instant on the session's one mapping (recordings.ts): when the picture reaches it.
    const wantS = (atMs - session.originMs) / 1000;
    const reached = new Promise((resolve) => {
      const onFrame = (now, meta) => (meta.mediaTime >= wantS - 0.06 ? resolve(performance.now()) : video.requestVideoFrameCallback(onFrame));
      video.requestVideoFrameCallback(onFrame);
    });
    const first = await withTimeout(frame(video), 20_000, 'the first frame').catch((err) => {
      s.close(1000);
      video.remove();
      void request('playback:close', { playbackId: session.playbackId }).catch(() => undefined);
      const st = states.get(session.playbackId);
      throw new Error(`${err.message} (${tFirstByte === null ? 'no bytes' : 'bytes came'}; state ${st ? `${st.status} ${st.code ?? ''} ${st.reason ?? ''}` : 'none'})`);
    });
    const atInstant = await withTimeout(reached, 15_000, 'the asked instant').catch(() => null);
    const player = { session, video, socket: s, ms };
    players.set(session.playbackId, player);
    return { playbackId: session.playbackId, frameMs: session.frameMs ?? null, answerMs: tAnswer - t0, firstByteMs: tFirstByte === null ? null : tFirstByte - t0, firstFrameMs: first.at - t0, atInstantMs: atInstant === null ? null : atInstant - t0, firstFrameOffsetMs: Math.round((wantS - first.mediaTime) * 1000) };
  }

  /** Pause, then one step forward until the next frame shows (server: it comes in the stream; player: a seek by frameMs). */
  async function step(playbackId) {
    const p = players.get(playbackId);
    await request('playback:pause', { playbackId, paused: true });
    p.video.pause();
    const t0 = performance.now();
    const shown = frame(p.video);
    const result = await request('playback:step', { playbackId, direction: 1 });
    if (result.by === 'player') p.video.currentTime += (result.frameMs ?? p.session.frameMs ?? 100) / 1000;
    else void p.video.play().catch(() => undefined);
    const f = await withTimeout(shown, 10_000, 'the stepped frame');
    return { by: result.by, ms: f.at - t0 };
  }

  async function close(playbackId) {
    const p = players.get(playbackId);
    players.delete(playbackId);
    p?.socket.close(1000);
    p?.video.remove();
    await request('playback:close', { playbackId }).catch(() => undefined);
  }

  const heapMb = () => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 2 ** 20) : null);
  window.__scrub = { still, open, step, close, heapMb };
}

/** Baseline page (LAB-NOTES §5 b): progressive <video src>, currentTime = X → rVFC; a frame step = +1/25 s. */
export function baselineProbe() {
  const frame = (video) => new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));
  window.__seek = async (src, positions) => {
    const video = document.createElement('video');
    video.muted = true;
    video.preload = 'auto';
    video.src = src;
    document.body.append(video);
    await new Promise((r, j) => (video.addEventListener('loadeddata', r, { once: true }), video.addEventListener('error', () => j(new Error('the baseline video did not load')), { once: true })));
    const seeks = [];
    const steps = [];
    for (const x of positions) {
      let t0 = performance.now();
      let shown = frame(video);
      video.currentTime = x;
      seeks.push((await shown) - t0);
      t0 = performance.now();
      shown = frame(video);
      video.currentTime = x + 1 / 25;
      steps.push((await shown) - t0);
    }
    video.remove();
    return { seeks, steps };
  };
}
