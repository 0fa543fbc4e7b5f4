import { useState } from 'react';
import { Button, Input, Space, Typography } from 'antd';
import { api, errorText, unwrap } from '../../api/client';
import { runtimeConfig } from '../../config';

/**
 * Local mode only: plays the e-SSC card app (`POST /dev/card-scan`) for an ID number, so a
 * newcomer can log in on a laptop. Not rendered at all outside local mode.
 */
export function LocalScanButton({ sessionId, defaultIdNumber, large }: { sessionId: string; defaultIdNumber?: string; large?: boolean }) {
  const [idNumber, setIdNumber] = useState(defaultIdNumber ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (!runtimeConfig.localMode) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="local-scan">
      <label htmlFor="local-scan-id">本地模拟扫码的身份证号</label>
      <Input id="local-scan-id" value={idNumber} onChange={(e) => setIdNumber(e.target.value.trim())} maxLength={18} size={large ? 'large' : 'middle'} />
      <Button
        block
        size={large ? 'large' : 'middle'}
        loading={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await unwrap(api.POST('/dev/card-scan', { body: { sessionId, idNumber } }));
          } catch (err) {
            setError(errorText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        模拟扫码 (本地)
      </Button>
      {error ? <Typography.Text type="danger" role="alert">{error}</Typography.Text> : null}
    </Space>
  );
}
