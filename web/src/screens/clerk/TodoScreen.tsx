import { Alert, Badge, Card, Col, List, Row, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { STATUS_NAMES, formatDate } from '../../lib/format';
import { DueDate } from '../cases/CaseSummary';

type Case = Schemas['Case'];

/**
 * 待办 for the window clerk: returned cases to supplement, cases to complete (approved, or
 * accepted items with no review), open bad-rating follow-ups and answered problems.
 */
export default function TodoScreen() {
  const lists = useQuery({
    queryKey: ['todo'],
    queryFn: async () => {
      const [returned, approved, accepted, followUps, answered] = await Promise.all([
        unwrap(api.GET('/cases', { params: { query: { status: 'returned', limit: 50 } } })),
        unwrap(api.GET('/cases', { params: { query: { status: 'approved', limit: 50 } } })),
        unwrap(api.GET('/cases', { params: { query: { status: 'accepted', limit: 50 } } })),
        unwrap(api.GET('/follow-ups', { params: { query: { status: 'open', limit: 50 } } })),
        unwrap(api.GET('/problems', { params: { query: { status: 'answered', limit: 50 } } })),
      ]);
      return { returned: returned.items, toComplete: [...approved.items, ...accepted.items], followUps: followUps.items, answered: answered.items };
    },
    refetchInterval: 120_000,
  });
  if (lists.error) return <Alert type="error" showIcon title={errorText(lists.error)} />;
  const d = lists.data;
  const caseList = (items: Case[] | undefined, empty: string) => (
    <List
      loading={lists.isPending}
      dataSource={items ?? []}
      locale={{ emptyText: empty }}
      renderItem={(c) => (
        <List.Item>
          <List.Item.Meta
            title={<Link to={`/clerk/cases/${c.id}`}>{`${c.number} ${c.itemName}`}</Link>}
            description={
              <>
                {c.applicant.name} · {STATUS_NAMES[c.status]} · <DueDate c={c} />
              </>
            }
          />
        </List.Item>
      )}
    />
  );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card title={<Badge count={d?.returned.length ?? 0} offset={[12, 0]} color="#c41d7f">退回待补正</Badge>} data-testid="todo-returned">
          {caseList(d?.returned, '没有退回的办件')}
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={<Badge count={d?.toComplete.length ?? 0} offset={[12, 0]} color="#0b57a4">待报送或办结</Badge>} data-testid="todo-complete">
          {caseList(d?.toComplete, '没有待办结的办件')}
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title="差评整改回访">
          <List
            loading={lists.isPending}
            dataSource={d?.followUps ?? []}
            locale={{ emptyText: '没有待回访的差评' }}
            renderItem={(f) => (
              <List.Item>
                <Link to={`/clerk/cases/${f.caseId}`}>{`${f.score} 分 · ${formatDate(f.openedAt)}`}</Link> {f.comment}
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title="已答复的问题">
          <List
            loading={lists.isPending}
            dataSource={d?.answered ?? []}
            locale={{ emptyText: '没有新的答复' }}
            renderItem={(p) => (
              <List.Item>
                <Link to="/clerk/problems">{p.number}</Link> <Tag>已答复</Tag> {p.answer}
              </List.Item>
            )}
          />
        </Card>
      </Col>
    </Row>
  );
}
