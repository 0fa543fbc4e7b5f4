import { useEffect, useState } from 'react';
import { Alert } from 'antd';
import { onNetworkChange } from '../api/client';

/** A request that found no network shows this until one gets through (or the browser is online again). */
export function NetworkBanner() {
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    const off = onNetworkChange((online) => setOffline(!online));
    const down = () => setOffline(true);
    const up = () => setOffline(false);
    window.addEventListener('offline', down);
    window.addEventListener('online', up);
    return () => {
      off();
      window.removeEventListener('offline', down);
      window.removeEventListener('online', up);
    };
  }, []);
  if (!offline) return null;
  return (
    <div role="alert" style={{ position: 'sticky', top: 0, zIndex: 1000 }} data-testid="network-banner">
      <Alert type="error" banner title="网络连接中断：已填写的内容不会丢失，恢复后请点“重试”，不会重复提交。" />
    </div>
  );
}
