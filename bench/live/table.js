// The human-readable report of a run (pure: result object in, text out).

const cell = (v, unit = '') => (v === null || v === undefined ? '—' : `${v}${unit}`);

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function tileTable(tiles) {
  return table(
    ['tile', 'mode', 'px', 'decoded fps', 'shown fps', 'dropped %', 'TTFF ms', 'still ms', 'latency ms (p50/p90, n)', 'max gap ms'],
    tiles.map((t) => [
      t.camera, cell(t.mode), cell(t.height), cell(t.decodedFps), cell(t.shownFps), cell(t.droppedPct), cell(t.ttffMs), cell(t.stillMs),
      t.latencySamples ? `${t.latencyMs}/${t.latencyP90Ms}, ${t.latencySamples}${t.latencyGrowthMsPerMin !== null ? `, ${t.latencyGrowthMsPerMin >= 0 ? '+' : ''}${t.latencyGrowthMsPerMin}/min` : ''}` : '—',
      cell(t.maxUpdateGapMs),
    ]),
  );
}

function totals(name, r) {
  const p = r.processes;
  const s = r.summary;
  return [name, `${s.cleanTiles}/${s.tiles}`, cell(s.decodedFpsMean), cell(s.droppedPctMean), cell(s.ttffMedianMs), cell(s.ttffMaxMs), cell(s.latencyMedianMs), cell(p.mainCpuPct), cell(p.ffmpegCpuPct), cell(p.ffmpegProcesses), cell(s.mainPlusFfmpegCpuPctPerStream), cell(p.rendererCpuPct), cell(p.rssMb)];
}

export function formatReport(result) {
  const out = [];
  const c = result.config;
  out.push(`\nTessera live benchmark: ${c.tiles} tiles, ${c.profile} profile requested, ${c.seconds} s window (after ${c.warmup} s warm-up), viewport ${c.viewport.width}x${c.viewport.height}, tiles on the ${c.screen}`);
  out.push(`machine: ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memGb} GiB; latency from the burned-in clock of ${c.clockTile ?? '(no clock source)'}\n`);
  out.push('Tessera, per tile:');
  out.push(tileTable(result.tiles));
  if (result.baseline) {
    out.push('\nBaseline (ffmpeg remux -c copy, 1-frame fragments, plain MSE page), per tile:');
    out.push(tileTable(result.baseline.tiles));
    // Why a baseline tile played late or not at all, in ffmpeg's words (baseline-server.js).
    for (const n of result.baseline.notes ?? []) out.push(`baseline ${n.stream}: ${n.what}${n.why ? ` (${n.why})` : ''}${n.stderr ? `: ${n.stderr}` : ''}`);
  }
  out.push('\nTotals (CPU in % of one core over the window; RSS summed, MB):');
  const header = ['run', 'clean tiles', 'fps/tile', 'dropped %', 'TTFF p50', 'TTFF max', 'latency p50', 'main CPU', 'ffmpeg CPU', 'ffmpegs', '(main+ffmpeg)/stream', 'renderer CPU', 'RSS MB'];
  const rows = [totals('Tessera', result)];
  if (result.baseline) rows.push(totals('baseline', result.baseline));
  out.push(table(header, rows));
  out.push('');
  if (result.ratios) {
    const r = result.ratios;
    out.push('\nTessera ÷ baseline:');
    out.push(table(['clean tiles', 'fps', 'TTFF p50', 'latency p50', 'main CPU', 'ffmpeg CPU', 'renderer CPU', 'RSS'], [[cell(r.cleanTiles), cell(r.decodedFps), cell(r.ttffMedian), cell(r.latencyMedian), cell(r.mainCpu), cell(r.ffmpegCpu), cell(r.rendererCpu), cell(r.rss)]]));
  }
  for (const [name, r] of [['Tessera', result], ['baseline', result.baseline]]) {
    if (!r) continue;
    const s = r.summary;
    out.push(`${name}: tiles ${Object.entries(s.modes ?? {}).map(([k, v]) => `${v} × ${k}`).join(', ')}; ${s.tilesUpdatingEverySecond}/${s.tiles} updated at least once a second; first picture (still) median ${cell(s.stillMedianMs, ' ms')}${s.stillAnswerMedianMs !== null && s.stillAnswerMedianMs !== undefined ? ` (asked after ${cell(s.stillAskMedianMs, ' ms')}, answered in ${cell(s.stillAnswerMedianMs, ' ms')})` : ''}; ${s.mediaRequests?.requested ? `media HTTP responses ${s.mediaRequests.requested} asked, at most ${s.mediaRequests.maxInFlight} in flight and ${s.mediaRequests.maxAnswered} answered at once; ` : ''}machine ${cell(r.processes.machineBusyPct, ' %')} busy (all tenants), load ${(r.processes.loadAverage ?? []).join(' ')}`);
  }
  // Where the time to the first frame goes (stats.js startStages): medians, ms after the request.
  for (const [name, r] of [['Tessera', result], ['baseline', result.baseline]]) {
    const st = r?.summary.stagesMedianMs;
    if (st) out.push(`${name} start-up, median ms after the request: ${Object.entries(st).map(([k, v]) => `${k} ${cell(v)}`).join(' → ')}`);
  }
  const other = result.processes.otherCpuPct;
  if (other && Object.keys(other).length) out.push(`\nOther processes during the Tessera window (% of one core): ${Object.entries(other).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`clean tile = ≥ 24 decoded fps and < 1 % dropped; TTFF = the page's request → first presented frame; max gap = longest time a tile showed no new picture in the window.\n`);
  return `${out.join('\n')}\n`;
}
