// The baseline of the live benchmark, run as its own Node process so its CPU is measured apart:
// plain ffmpeg remux of each stream (the LAB-NOTES settings: fast probe, one frame per fragment,
// never keyframe-only fragments) served over HTTP on 127.0.0.1, and a minimal page that plays
// every stream through MSE in a grid. No recovery, no policy, no catch-up: the bare pipeline.
// One exception, the one Tessera makes too (main/media/upstream.ts): when the fast probe ends
// before the picture size is known, the stream is opened once more with a longer probe. A source
// with an audio track (a GStreamer RTSP server with H.264 + AAC) needs it: ffmpeg's 32-byte probe
// stops at the first packet, often audio, and the video has no size ("dimensions not set"), so
// the baseline showed 0 fps where Tessera played. Each such retry, and any ffmpeg that ends
// without output, is reported on stderr as a line "baseline-note {json}" for the bench's JSON.
//
// Usage: node bench/live/baseline-server.js '<json {streams: [{name, url}]}>'
// Prints one JSON line {url} when listening; stops on SIGTERM/SIGINT or when stdin closes.
//
// Each stream is served from its own port: Chromium opens at most 6 HTTP/1.1 connections per
// host:port, so N long responses from one origin would leave all but 6 tiles waiting.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
// Built by the bench before it starts this server: its ffmpegs end with it, even on SIGKILL.
import { watchChild } from '../../out/main/child-reaper.js';

const config = JSON.parse(process.argv[2] ?? '{}');
const streams = config.streams ?? [];
const ffmpegBin = process.env.FFMPEG_BIN || 'ffmpeg';
const children = new Set();

// The probes of Tessera's RTSP input (main/media/ffmpeg-args.ts): fast, then thorough.
const probes = { fast: ['-probesize', '32', '-analyzeduration', '0'], thorough: ['-probesize', '2000000', '-analyzeduration', '2000000'] };
// The ffmpeg words for "the probe ended too early" that Tessera retries on (main/media/ffmpeg-log.ts).
const probeTooShort = /could not find codec parameters|unspecified size|dimensions not set/i;

function remuxArgs(url, probe) {
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    ...probes[probe], '-rtsp_transport', 'tcp', '-timeout', '5000000',
    '-i', url, '-map', '0:v:0', '-an', '-c:v', 'copy',
    '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '40000', 'pipe:1',
  ];
}

function note(stream, what, detail) {
  process.stderr.write(`baseline-note ${JSON.stringify({ stream: stream.name, what, ...detail })}\n`);
}

function page(streamUrls) {
  const columns = Math.ceil(Math.sqrt(streams.length));
  const rows = Math.ceil(streams.length / columns);
  const sections = streams.map((s, i) => `<section role="region" aria-label="${s.name.replace(/[<>&"]/g, '')}" data-mode="video" data-index="${i}"><video muted autoplay playsinline></video></section>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>baseline</title><style>
html,body{margin:0;height:100%;background:#000;overflow:hidden}
main{display:grid;height:100vh;grid-template-columns:repeat(${columns},1fr);grid-template-rows:repeat(${rows},1fr);gap:2px}
section{position:relative;min-width:0;min-height:0}video{width:100%;height:100%;object-fit:contain;display:block}
</style></head><body><main aria-label="Baseline">${sections}</main><script>
function boxes(buf){const out=[];let o=0;while(buf.length-o>=8){const size=new DataView(buf.buffer,buf.byteOffset+o,4).getUint32(0);if(size<8||buf.length-o<size)break;out.push({type:String.fromCharCode(...buf.subarray(o+4,o+8)),data:buf.subarray(o,o+size)});o+=size;}return{out,rest:buf.subarray(o)};}
function codec(moov){for(let i=0;i<moov.length-8;i++){if(moov[i]===0x61&&moov[i+1]===0x76&&moov[i+2]===0x63&&moov[i+3]===0x43){const h=(b)=>b.toString(16).padStart(2,'0');return 'avc1.'+h(moov[i+5])+h(moov[i+6])+h(moov[i+7]);}}return 'avc1.42e01e';}
async function play(section){
  const i=section.dataset.index,name=section.getAttribute('aria-label'),video=section.querySelector('video');
  window.__bench&&window.__bench.markOpen(name);
  const res=await fetch(${JSON.stringify(streamUrls)}[i]);const reader=res.body.getReader();
  let buf=new Uint8Array(0),init=[],sb=null,queue=[],seeked=false;
  const ms=new MediaSource();video.src=URL.createObjectURL(ms);
  await new Promise(r=>ms.addEventListener('sourceopen',r,{once:true}));
  const pump=()=>{if(!sb||sb.updating)return;const b=video.buffered;
    if(!seeked&&b.length){video.currentTime=b.start(0);seeked=true;video.play().catch(()=>{});}
    if(b.length&&b.end(b.length-1)-b.start(0)>10){sb.remove(0,b.end(b.length-1)-5);return;}
    if(!queue.length)return;const n=queue.reduce((a,c)=>a+c.length,0),all=new Uint8Array(n);let o=0;for(const c of queue){all.set(c,o);o+=c.length;}queue=[];sb.appendBuffer(all);};
  for(;;){const {value,done}=await reader.read();if(done)break;
    window.__bench&&window.__bench.markBytes(name);
    const joined=new Uint8Array(buf.length+value.length);joined.set(buf);joined.set(value,buf.length);
    const {out,rest}=boxes(joined);buf=rest.slice();
    for(const box of out){
      if(!sb){init.push(box.data);if(box.type==='moov'){const n=init.reduce((a,c)=>a+c.length,0),seg=new Uint8Array(n);let o=0;for(const c of init){seg.set(c,o);o+=c.length;}
        sb=ms.addSourceBuffer('video/mp4; codecs="'+codec(box.data)+'"');sb.mode='segments';sb.addEventListener('updateend',pump);queue.push(seg);}}
      else queue.push(box.data);}
    pump();}
}
for(const s of document.querySelectorAll('section[data-index]'))play(s).catch(e=>console.error('baseline tile',e));
</script></body></html>`;
}

function serveStream(stream, res, probe = 'fast') {
  const child = spawn(ffmpegBin, remuxArgs(stream.url, probe), { stdio: ['ignore', 'pipe', 'pipe'] });
  watchChild(child);
  children.add(child);
  let stderr = '';
  let bytes = 0;
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
    process.stderr.write(`baseline ffmpeg ${stream.name}: ${d}`);
  });
  // The start-up stages on the server side (request in, ffmpeg spawned, its first fragment out)
  // as a line "baseline-timing {json}" for the bench. Its first bytes are the init segment; the
  // first fragment is the first chunk holding a moof box.
  const spawnAt = Date.now();
  let fragmentSeen = false;
  child.stdout.on('data', (d) => {
    bytes += d.length;
    if (fragmentSeen || !d.includes('moof')) return;
    fragmentSeen = true;
    process.stderr.write(`baseline-timing ${JSON.stringify({ stream: stream.name, requestAt: res.benchRequestAt, spawnAt, fragmentAt: Date.now() })}\n`);
  });
  if (!res.headersSent) res.writeHead(200, { 'content-type': 'video/mp4', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
  child.stdout.pipe(res, { end: false });
  const kill = () => child.kill('SIGKILL');
  res.on('close', kill);
  child.on('exit', (code, signal) => {
    children.delete(child);
    res.off('close', kill);
    if (res.destroyed) return;
    if (bytes === 0 && probe === 'fast' && probeTooShort.test(stderr)) {
      note(stream, 'probing longer', { why: 'the fast probe ended before the picture size was known (as in Tessera, the stream is opened again with a 2 s probe)' });
      serveStream(stream, res, 'thorough');
      return;
    }
    note(stream, 'ffmpeg ended', { code, signal, bytes, probe, stderr: stderr.trim().split('\n').slice(-3).join(' | ') });
    res.end();
  });
}

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const servers = [];
const streamUrls = [];
for (const stream of streams) {
  const server = createServer((req, res) => {
    res.benchRequestAt = Date.now();
    return req.url === '/stream' ? serveStream(stream, res) : res.writeHead(404).end();
  });
  servers.push(server);
  streamUrls.push(`http://127.0.0.1:${await listen(server)}/stream`);
}
const pageServer = createServer((req, res) => {
  if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(streamUrls));
  else res.writeHead(404).end();
});
servers.push(pageServer);

function shutdown() {
  for (const child of children) child.kill('SIGKILL');
  for (const server of servers) server.close();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, shutdown);
// The bench holds stdin open: if the bench dies without a signal, this process follows.
process.stdin.on('end', shutdown);
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${await listen(pageServer)}/` })}\n`);
