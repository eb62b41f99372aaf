/**
 * The only bridge between the sandboxed UI and the app: the typed host API (`call` + `on`) over
 * two fixed IPC channels. No Node, no Electron objects, no logic — the host validates every call.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { HostCallName, HostEventName } from '../contract/host-api.js';
import { HOST_IPC, type HostBridge } from '../contract/transport.js';

const api: HostBridge = {
  call: (name, params) => ipcRenderer.invoke(HOST_IPC.call, name, params),
  on: (event, listener) => {
    const handler = (_e: IpcRendererEvent, name: HostEventName, payload: unknown) => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(HOST_IPC.event, handler);
    return () => ipcRenderer.removeListener(HOST_IPC.event, handler);
  },
};

contextBridge.exposeInMainWorld('openclawHost', api);

export type { HostCallName };
