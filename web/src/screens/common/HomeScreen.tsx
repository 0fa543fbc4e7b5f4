import { Card, Descriptions } from 'antd';
import { useSession } from '../../auth/session';
import { roleNames } from '../../lib/format';

/** Landing page for accounts whose roles have no screen of their own yet. */
export default function HomeScreen() {
  const { me } = useSession();
  return (
    <Card>
      <Descriptions column={1} title="当前账号">
        <Descriptions.Item label="姓名">{me?.name}</Descriptions.Item>
        <Descriptions.Item label="角色">{roleNames(me?.roles)}</Descriptions.Item>
        <Descriptions.Item label="所属区划">{me?.regionName ?? me?.regionCode}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
