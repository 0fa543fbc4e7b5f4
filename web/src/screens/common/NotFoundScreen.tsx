import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';

/** Unknown page, or a record outside my scope (the API answers 404 for both, on purpose). */
export function NotFoundScreen({ what = '页面' }: { what?: string }) {
  const navigate = useNavigate();
  return (
    <main>
      <Result status="404" title="未找到" subTitle={`没有这个${what}，或不在您的管辖范围内。`} extra={<Button type="primary" onClick={() => navigate('/')}>返回首页</Button>} />
    </main>
  );
}
export default NotFoundScreen;
