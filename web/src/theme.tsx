import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider, App as AntApp, type ThemeConfig } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';

dayjs.locale('zh-cn');

/** Elder mode (适老化): larger type and controls for every screen, remembered per browser. */
const ELDER_KEY = 'jjb.elderMode';

// antd's default greys for labels and hints are translucent and fall below WCAG AA contrast.
const readableText = { colorText: '#1a1a1a', colorTextSecondary: '#3d3d3d', colorTextTertiary: '#4a4a4a', colorTextQuaternary: '#595959', colorTextPlaceholder: '#595959', colorTextDescription: '#4a4a4a', colorError: '#b3261e', colorErrorText: '#b3261e', colorWarningText: '#874d00', colorSuccessText: '#237804' };
const base: ThemeConfig = {
  token: { colorPrimary: '#0b57a4', colorLink: '#0b57a4', ...readableText, borderRadius: 6, fontSize: 15 },
};
const elder: ThemeConfig = {
  token: { ...base.token, fontSize: 20, fontSizeLG: 22, fontSizeHeading4: 24, controlHeight: 48, controlHeightLG: 56, lineHeight: 1.6 },
};
/** The kiosk is always large and high-contrast: a citizen alone at a touch screen. */
export const kioskTheme: ThemeConfig = {
  token: { colorPrimary: '#003a8c', colorLink: '#003a8c', ...readableText, colorText: '#000000', colorTextSecondary: '#1f1f1f', fontSize: 22, fontSizeLG: 26, controlHeight: 64, controlHeightLG: 72, lineHeight: 1.6, borderRadius: 8 },
};

interface ElderState {
  elder: boolean;
  setElder(on: boolean): void;
}
const ElderCtx = createContext<ElderState>({ elder: false, setElder: () => undefined });

function readElder(): boolean {
  try {
    return localStorage.getItem(ELDER_KEY) === '1';
  } catch {
    return false;
  }
}

export function ThemeRoot({ children, kiosk = false }: { children: ReactNode; kiosk?: boolean }) {
  const [on, setOn] = useState(readElder);
  useEffect(() => {
    document.documentElement.dataset.elder = on ? '1' : '0';
  }, [on]);
  const state = useMemo<ElderState>(
    () => ({
      elder: on,
      setElder: (v: boolean) => {
        setOn(v);
        try {
          localStorage.setItem(ELDER_KEY, v ? '1' : '0');
        } catch {
          /* not remembered: still applied */
        }
      },
    }),
    [on],
  );
  return (
    <ElderCtx.Provider value={state}>
      <ConfigProvider locale={zhCN} theme={kiosk ? kioskTheme : on ? elder : base} componentSize={kiosk || on ? 'large' : 'middle'} button={{ autoInsertSpace: false }}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </ElderCtx.Provider>
  );
}

export const useElderMode = () => useContext(ElderCtx);
