import FindCases from '../clerk/FindScreen';

/** The reviewer's 查找办件: the same search, opening the review page. */
export default function ReviewerFindScreen() {
  return <FindCases base="/review/cases" />;
}
