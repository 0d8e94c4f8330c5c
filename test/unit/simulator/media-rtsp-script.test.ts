import { describe, expect, it } from 'vitest';
import { scriptOnDisk } from '../../../simulator/media/rtsp-server.js';

describe('the RTSP relay script path', () => {
  it('points Python at the unpacked copy when the bundle is inside app.asar', () => {
    expect(scriptOnDisk('/opt/Tessera/resources/app.asar/out/main/rtsp-server.py')).toBe('/opt/Tessera/resources/app.asar.unpacked/out/main/rtsp-server.py');
    expect(scriptOnDisk('C:\\Program Files\\Tessera\\resources\\app.asar\\out\\main\\rtsp-server.py')).toBe('C:\\Program Files\\Tessera\\resources\\app.asar.unpacked\\out\\main\\rtsp-server.py');
  });

  it('leaves a path outside an archive alone', () => {
    expect(scriptOnDisk('/work/tessera/out/main/rtsp-server.py')).toBe('/work/tessera/out/main/rtsp-server.py');
    expect(scriptOnDisk('/home/me/app.asar.unpacked/out/main/rtsp-server.py')).toBe('/home/me/app.asar.unpacked/out/main/rtsp-server.py');
  });
});
