/** Fault knobs applied in front of every simulated API (the admin port is never faulted). */
import type { FaultState, SimService } from './types.js';

export const defaultFaults: FaultState = {
  latencyMs: 0,
  dropRate: 0,
  errorRate: 0,
  slowTranscodeFactor: 1,
  stallExports: false,
  cutDownloads: 0,
};

export function withFaults(service: SimService, faults: FaultState, random: () => number = Math.random): SimService {
  return {
    ...service,
    async handle(req, res) {
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      if (faults.dropRate > 0 && random() < faults.dropRate) {
        req.socket.destroy();
        return;
      }
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        res.writeHead(random() < 0.5 ? 500 : 503, { 'content-type': 'text/plain' });
        res.end('simulated server error');
        return;
      }
      await service.handle(req, res);
    },
  };
}
