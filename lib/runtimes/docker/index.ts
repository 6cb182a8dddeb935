import { ensureDockerEngine } from '../../host/docker-engine.ts';
import { EngineApiRuntime } from '../engine-api/engine-runtime.ts';

/** Docker, through its Engine API socket ($DOCKER_SOCKET, default /var/run/docker.sock). */
export const dockerRuntime = new EngineApiRuntime('docker', () => process.env.DOCKER_SOCKET ?? '/var/run/docker.sock', ensureDockerEngine);
